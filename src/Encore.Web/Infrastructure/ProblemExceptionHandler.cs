using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Encore.Web.Infrastructure;

/// <summary>
/// Turns a request the framework could not read (malformed JSON, wrong types, an oversized body) into a
/// 400 problem details naming the body, never a 500. Everything else is left to the default handler.
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        httpContext.Response.StatusCode = bad.StatusCode;
        var (field, message) = Describe(bad);
        var details = new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Malformed request",
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }

    /// <summary>Names the JSON member that could not be read (e.g. <c>bumps[0]</c>), so a client knows what to fix.</summary>
    private static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge) return ("body", "The request body is too large.");
        // A value of the wrong type names its member; broken JSON (cut off, bad syntax) is the body's fault.
        if (bad.InnerException is JsonException { Path: { Length: > 1 } path } json &&
            json.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
            return (field, $"The value of '{field}' is not of the expected type.");
        }
        return ("body", "The request body is not valid JSON of the expected shape.");
    }
}
