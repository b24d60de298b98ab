using Encore.Domain.PostPurchase;
using Encore.Web.Data.Entities;
using Encore.Web.Payments;
using Encore.Web.Features.Orders;
using Encore.Web.Features.Shared;
using Encore.Web.Infrastructure;
using Encore.Web.Infrastructure.Idempotency;
using Microsoft.AspNetCore.Mvc;

namespace Encore.Web.Features.Offers;

public sealed record CardDto(string Brand, string Last4);

public sealed record DisclosureDto(string Text, string Sha256);

public sealed record OfferStepDto(
    Guid Id, string Kind, string Name, string Headline, string Body, MoneyDto Price, RecurringDto? Recurring,
    CardDto Card, string AcceptLabel, DisclosureDto Disclosure, string Opening);

public sealed record OfferSessionResponse(Guid OrderId, string Status, DateTimeOffset ExpiresAt, OfferStepDto? Step, string? ActionUrl);

public sealed record AcceptRequest(Guid StepId, string? DisclosureSha256);

public sealed record DeclineRequest(Guid StepId);

public sealed record ChargeDto(Guid Id, MoneyDto Amount, string Status, DateTimeOffset CreatedAt);

public sealed record AcceptResponse(string Outcome, ChargeDto Charge, NextDto? Next, string? ActionUrl, string? Message);

public sealed record DeclineResponse(NextDto Next);

public sealed record OrderLineDto(string Kind, string Name, MoneyDto Amount);

public sealed record OrderResponse(Guid OrderId, string Status, string Currency, MoneyDto Total, IReadOnlyList<OrderLineDto> Lines, IReadOnlyList<ChargeDto> Charges);

/// <summary>
/// The post-purchase path for custom storefronts. The session token goes in the path, or send
/// <c>current</c> in the path and the token as <c>Authorization: Bearer</c> to keep it out of URLs.
/// </summary>
public static class OffersApi
{
    public static IEndpointRouteBuilder MapOffersApi(this IEndpointRouteBuilder app)
    {
        var offers = app.MapGroup("/api/v1/offers/{token}").WithTags("Offers").WithMetadata(new RequestSizeLimitAttribute(16 * 1024));
        offers.MapGet("", GetSession).WithName("GetOfferSession")
            .WithSummary("The current offer with its exact disclosure, or step: null once the path is over.")
            .Produces<OfferSessionResponse>().ProducesProblem(404);
        offers.MapPost("/accept", Accept).WithName("AcceptOffer").RequireRateLimiting(RateLimits.Accept)
            .WithSummary("Accepts the current offer with one click: one off-session charge on the saved card, exactly once.")
            .WithDescription("Requires an Idempotency-Key header and the SHA-256 of the disclosure the buyer was shown. " +
                             "410: already decided or window closed; 409: not the current step, disclosure mismatch, or in progress; 422: key reused with another body.")
            .Produces<AcceptResponse>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(410).ProducesProblem(422).ProducesProblem(429);
        offers.MapPost("/decline", Decline).WithName("DeclineOffer")
            .WithSummary("Declines the current offer; the buyer moves on to the downsell or to thank-you.")
            .Produces<DeclineResponse>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(410);
        offers.MapGet("/order", GetOrder).WithName("GetOfferOrder")
            .WithSummary("The order with every line and charge.")
            .Produces<OrderResponse>().ProducesProblem(404);
        return app;
    }

    /// <summary>The token from the path, or from the bearer header when the path says <c>current</c>.</summary>
    internal static string ResolveToken(string token, HttpContext http)
    {
        if (!string.Equals(token, "current", StringComparison.Ordinal)) return token;
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
    }

    /// <summary>
    /// True for a session the API started. A session started on the checkout page is bound to the buying
    /// browser by cookie and its token sits in the page's address; through the API that address alone would
    /// be enough to charge the card, so the API does not know such sessions.
    /// </summary>
    /// <returns>The session, or null when the API does not know it; handed on so that it is read once per request.</returns>
    private static async Task<OfferSessionRow?> ApiSessionAsync(string token, OfferService offers, CancellationToken cancellationToken) =>
        await offers.FindAsync(token, cancellationToken) is { BrowserBindingHash.Length: 0 } row ? row : null;

    private static async Task<IResult> GetSession(string token, HttpContext http, OfferService offers)
    {
        var resolved = ResolveToken(token, http);
        if (await ApiSessionAsync(resolved, offers, http.RequestAborted) is not { } row) return NotFound();
        var view = await offers.ShowAsync(resolved, http.RequestAborted, row);
        if (view is null) return NotFound();
        return TypedResults.Ok(ToResponse(view));
    }

    private static async Task<IResult> Accept(string token, AcceptRequest? request, HttpContext http, OfferService offers)
    {
        if (request is null) return ApiProblems.Invalid("body", "A JSON body with stepId and disclosureSha256 is required.");
        var (key, keyProblem) = IdempotentEndpoint.ReadKey(http, required: true);
        if (keyProblem is not null) return keyProblem;
        if (request.StepId == Guid.Empty) return ApiProblems.Invalid("stepId", "The id of the offer step being accepted is required.");
        if (request.DisclosureSha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigit))
            return ApiProblems.Invalid("disclosureSha256", "The lowercase hex SHA-256 of the disclosure shown to the buyer is required (64 characters).");
        var resolved = ResolveToken(token, http);
        if (await ApiSessionAsync(resolved, offers, http.RequestAborted) is not { } row) return NotFound();

        return await IdempotentEndpoint.RunAsync(http, "offer-accept:" + SecretTokens.Hash(resolved), key!,
            $"{request.StepId:N}|{sha.ToLowerInvariant()}", async () =>
            {
                var consent = new ConsentContext("api", http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
                var result = await offers.AcceptAsync(resolved, request.StepId, sha, consent, http.RequestAborted, row);
                if (result.Outcome == AcceptOutcome.Rejected) return Problem(result.Rejection!);
                var charge = result.Charge!;
                NextDto? next = null;
                if (result.Outcome is AcceptOutcome.Accepted or AcceptOutcome.PaymentFailed)
                    next = result.NextKnown ? NextOf(result.NextStepId) : NextOf(await offers.FindAsync(resolved, CancellationToken.None));
                return new ApiResponse(200, new AcceptResponse(
                    result.Outcome switch
                    {
                        AcceptOutcome.Accepted => "accepted",
                        AcceptOutcome.PaymentFailed => "payment_failed",
                        AcceptOutcome.RequiresAction => "requires_action",
                        _ => "processing",
                    },
                    ToCharge(charge), next, result.ActionUrl, result.Message));
            }, deferRecord: true);
    }

    private static async Task<IResult> Decline(string token, DeclineRequest? request, HttpContext http, OfferService offers)
    {
        if (request is null || request.StepId == Guid.Empty) return ApiProblems.Invalid("stepId", "The id of the offer step being declined is required.");
        var resolved = ResolveToken(token, http);
        if (await ApiSessionAsync(resolved, offers, http.RequestAborted) is not { } row) return NotFound();
        var declined = await offers.DeclineAsync(resolved, request.StepId, http.RequestAborted, row);
        if (declined.Rejection is { } rejection) return IdempotentEndpoint.Write(Problem(rejection), JsonOptions(http));
        return TypedResults.Ok(new DeclineResponse(declined.NextKnown ? NextOf(declined.NextStepId) : NextOf(await offers.FindAsync(resolved, CancellationToken.None))!));
    }

    private static async Task<IResult> GetOrder(string token, HttpContext http, OfferService offers, ReceiptQuery receipts)
    {
        var row = await offers.FindAsync(ResolveToken(token, http), http.RequestAborted);
        if (row is not { BrowserBindingHash.Length: 0 }) return NotFound();
        var receipt = (await receipts.ForOrderAsync(row.OrderId, http.RequestAborted))!;
        return TypedResults.Ok(new OrderResponse(
            receipt.OrderId, receipt.StatusName, receipt.Currency, MoneyDto.From(receipt.TotalPaid),
            receipt.Lines.Select(l => new OrderLineDto(l.KindName, l.Name, MoneyDto.From(l.Amount))).ToList(),
            receipt.Charges.Select(c => new ChargeDto(c.Id, MoneyDto.From(c.Amount), c.StatusName, c.CreatedAt)).ToList()));
    }

    internal static OfferSessionResponse ToResponse(OfferView view)
    {
        var status = view.State switch
        {
            OfferSessionState.Offer => "active",
            OfferSessionState.AwaitingPayment => "awaiting_payment",
            OfferSessionState.AwaitingAuthentication => "requires_action",
            OfferSessionState.Processing => "processing",
            OfferSessionState.Expired => "expired",
            OfferSessionState.Void => "void",
            _ => "completed",
        };
        OfferStepDto? step = null;
        if (view.Step is { } s && view.Disclosure is { } disclosure && view.State == OfferSessionState.Offer)
        {
            step = new OfferStepDto(
                s.Id, s.Kind == OfferStepKind.Downsell ? "downsell" : "offer", s.Name, s.Headline, s.Body,
                MoneyDto.From(s.Price.Amount), RecurringDto.From(s.Price.Recurrence),
                new CardDto(view.Row.CardBrand ?? "", view.Row.CardLast4 ?? ""), disclosure.AcceptLabel,
                new DisclosureDto(disclosure.Text, disclosure.Sha256), OfferCopy.OpeningOf(s));
        }
        return new OfferSessionResponse(view.Row.OrderId, status, view.Row.ExpiresAt, step, view.ActionUrl);
    }

    /// <summary>Where a decision this request made moved the session: the next step, or thank-you when the path is over.</summary>
    private static NextDto NextOf(Guid? nextStepId) => nextStepId is { } step ? NextDto.Offer(step) : NextDto.ThankYou;

    private static NextDto? NextOf(OfferSessionRow? row) => row switch
    {
        null => null,
        { Status: SessionStatus.Active, CurrentStepId: { } step } => NextDto.Offer(step),
        _ => NextDto.ThankYou,
    };

    private static ChargeDto ToCharge(Charge charge) => new(
        charge.Id, MoneyDto.From(charge.Amount, charge.Currency),
        charge.Status.WireName(),
        charge.CreatedAt);

    private static ApiResponse Problem(OfferRejection rejection) =>
        ApiResponse.Problem(rejection.Status, rejection.Code, rejection.Title, rejection.Detail);

    private static IResult NotFound() => ApiProblems.Problem(404, "not_found", "Offer not found", "There is no offer session for this token.");

    private static System.Text.Json.JsonSerializerOptions JsonOptions(HttpContext http) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
}
