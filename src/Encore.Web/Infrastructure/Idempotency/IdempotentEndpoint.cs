using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Encore.Web.Infrastructure.Idempotency;

/// <summary>A response as it is stored for replay: status and JSON body.</summary>
public sealed record ApiResponse(int Status, object Body)
{
    public static ApiResponse Problem(int status, string code, string title, string detail, IDictionary<string, object?>? extra = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        problem.Extensions["code"] = code;
        if (extra is not null) foreach (var (key, value) in extra) problem.Extensions[key] = value;
        return new ApiResponse(status, problem);
    }
}

/// <summary>
/// Runs an API request under an <c>Idempotency-Key</c> (IETF httpapi draft semantics): the first response is
/// stored and replayed for every retry; the same key with another body is 422; the same key while the
/// first request still runs is 409. Only a success or a declined payment (402) is stored: a refusal changed nothing.
/// </summary>
public static class IdempotentEndpoint
{
    public const string Header = "Idempotency-Key";

    /// <summary>Reads the key; a problem when it is missing (and required) or unusable.</summary>
    public static (string? Key, IResult? Problem) ReadKey(HttpContext http, bool required)
    {
        var key = http.Request.Headers[Header].ToString();
        if (key.Length == 0)
            return (null, required ? Invalid($"The {Header} header is required: send a new random value (a UUID) for each new request, and the same value when you retry it.") : null);
        if (key.Length > IdempotencyStore.MaxKeyLength || key.Any(char.IsControl))
            return (null, Invalid($"The {Header} header must be at most {IdempotencyStore.MaxKeyLength} printable characters."));
        return (key, null);
    }

    /// <param name="deferRecord">See <see cref="IdempotencyStore.BeginAsync"/>: the key's record is written by the handler's first save.</param>
    public static async Task<IResult> RunAsync(
        HttpContext http, string scope, string key, string canonicalRequest, Func<Task<ApiResponse>> handler, bool deferRecord = false)
    {
        var store = http.RequestServices.GetRequiredService<IdempotencyStore>();
        var json = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var requestHash = IdempotencyStore.HashRequest(canonicalRequest);
        var begin = await store.BeginAsync(scope, key, requestHash, http.RequestAborted, deferRecord);
        var answer = Answer(begin, http, json);
        if (answer is not null) return answer;

        ApiResponse response;
        try
        {
            response = await handler();
        }
        catch (DbUpdateException) when (deferRecord)
        {
            // Another request with this key saved its record first (the unique index refused ours): answer as it does.
            await store.ReleaseAsync(begin.RecordId, CancellationToken.None);
            if (await EarlierAnswerAsync() is { } theirs) return theirs;
            throw;
        }
        catch
        {
            // Nothing we can vouch for was answered: give the key back so the client's retry runs again.
            await store.ReleaseAsync(begin.RecordId, CancellationToken.None);
            throw;
        }
        var body = Serialize(response, json);
        // Remembered only when the request did something: a success, or a payment the bank declined (402). A refusal
        // (invalid input, unknown or foreign ids, a decided step) changed nothing, so running the retry again can
        // only give the same refusal or, if things moved on meanwhile, the true answer: the key is left free.
        if (response.Status is >= 400 and not StatusCodes.Status402PaymentRequired)
        {
            await store.ReleaseAsync(begin.RecordId, CancellationToken.None);
            // Refused because another request with this key got to the change first (it claimed the same step): its answer is the true one.
            if (deferRecord && await EarlierAnswerAsync() is { } theirs) return theirs;
        }
        else await store.CompleteAsync(begin.RecordId, response.Status, body, CancellationToken.None);
        return Results.Text(body, ContentTypeFor(response.Status), Encoding.UTF8, response.Status);

        async Task<IResult?> EarlierAnswerAsync() =>
            await store.FindAsync(scope, key, requestHash, CancellationToken.None) is { } earlier ? Answer(earlier, http, json) : null;
    }

    private static readonly ApiResponse InProgress = ApiResponse.Problem(409, "idempotency_in_progress", "Request in progress",
        "A request with this Idempotency-Key is still being processed. Retry shortly to get its response.");

    /// <summary>The answer to a key that is not this request's to run: a replay, 409 or 422; null when it is.</summary>
    private static IResult? Answer(IdempotencyBegin begin, HttpContext http, JsonSerializerOptions json)
    {
        switch (begin.Outcome)
        {
            case IdempotencyOutcome.Mismatch:
                return Write(ApiResponse.Problem(422, "idempotency_key_reused", "Idempotency key reused",
                    "This Idempotency-Key was already used with a different request body. Use a new key for a new request."), json);
            case IdempotencyOutcome.InProgress:
                return Write(InProgress, json);
            case IdempotencyOutcome.Replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return Results.Text(begin.Body ?? "", ContentTypeFor(begin.Status ?? 200), Encoding.UTF8, begin.Status);
            default:
                return null;
        }
    }

    public static IResult Write(ApiResponse response, JsonSerializerOptions json) =>
        Results.Text(Serialize(response, json), ContentTypeFor(response.Status), Encoding.UTF8, response.Status);

    private static string Serialize(ApiResponse response, JsonSerializerOptions json) =>
        JsonSerializer.Serialize(response.Body, response.Body.GetType(), json);

    private static string ContentTypeFor(int status) => status >= 400 ? "application/problem+json" : "application/json";

    private static IResult Invalid(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [Header] = [message] });
}
