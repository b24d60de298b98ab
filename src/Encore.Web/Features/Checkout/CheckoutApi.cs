using System.Text.Json;
using Encore.Web.Features.Shared;
using Encore.Web.Infrastructure.Idempotency;

namespace Encore.Web.Features.Checkout;

/// <summary>
/// A checkout from a custom storefront. Prices are never sent: they come from the published funnel. Send the
/// <c>version</c> the buyer was shown (from <c>GET /api/v1/funnels/{slug}</c>) and a publish in between is
/// refused with 400 instead of charging prices the buyer did not see. <c>paymentMethod</c> is the gateway's: a test payment
/// method (<c>pm_card_visa</c>), or on Stripe the ConfirmationToken (<c>ctoken_…</c>) your page made with Stripe.js.
/// For a recurring main product or bump, send
/// <c>termsSha256</c>: the <c>disclosure.sha256</c> of each recurring item shown next to the Pay button; words that are
/// not today's (their dates move at midnight UTC) are refused with 400 and nothing is charged. The consent record keeps
/// today's words either way.
/// <c>savePaymentMethodForOffers</c> defaults to false: the API keeps the card for the funnel's one-time offers only when
/// asked, so a storefront that sends nothing shows no offers. Encore's own checkout page always asks when the funnel has
/// offers, and says so in one sentence by the Pay button (kept for this order's offers, never charged without a click on
/// a "Yes" button, forgotten when the offer window closes); a storefront that sends true should say the same.
/// </summary>
public sealed record CheckoutRequest(
    string? Funnel,
    string? Email,
    string? Name,
    string? PaymentMethod,
    IReadOnlyList<Guid>? Bumps,
    bool SavePaymentMethodForOffers,
    int? Version = null,
    IReadOnlyList<string>? TermsSha256 = null);

public sealed record CheckoutResponse(Guid OrderId, string? SessionToken, NextDto Next, MoneyDto Total, string ReceiptUrl);

public static class CheckoutApi
{
    public static IEndpointRouteBuilder MapCheckoutApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/checkouts", PlaceOrder)
            .WithTags("Checkout")
            .WithName("CreateCheckout")
            .RequireRateLimiting(Infrastructure.RateLimits.Checkout)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024))
            .WithSummary("Pays for the main product and the chosen bumps in one charge; optionally saves the card for the post-purchase offers.")
            .WithDescription("Send an Idempotency-Key header to make retries safe: the first response is replayed. " +
                             "A declined card answers 402 with a declineCode and leaves no paid order.")
            .Produces<CheckoutResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> PlaceOrder(CheckoutRequest? request, HttpContext http, CheckoutService checkout)
    {
        if (request is null) return ApiProblems.Invalid("body", "A JSON body is required.");
        if (string.IsNullOrWhiteSpace(request.Funnel)) return ApiProblems.Invalid("funnel", "The funnel's slug is required.");
        var (key, keyProblem) = IdempotentEndpoint.ReadKey(http, required: false);
        if (keyProblem is not null) return keyProblem;

        async Task<ApiResponse> Run()
        {
            var result = await checkout.PlaceOrderAsync(new CheckoutCommand(
                request.Funnel, request.Email, request.Name, request.PaymentMethod, request.Bumps, request.SavePaymentMethodForOffers, null, request.Version,
                new Features.Offers.ConsentContext("api", http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString()),
                request.TermsSha256),
                http.RequestAborted);
            return ToResponse(result);
        }

        if (key is null)
        {
            var response = await Run();
            return IdempotentEndpoint.Write(response, http.RequestServices
                .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        }
        return await IdempotentEndpoint.RunAsync(http, "checkout", key, JsonSerializer.Serialize(request), Run);
    }

    internal static ApiResponse ToResponse(CheckoutResult result) => result.Outcome switch
    {
        CheckoutOutcome.Invalid => new ApiResponse(400, new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(result.Errors.ToDictionary()) { Status = 400, Title = "One or more fields are invalid." }),
        CheckoutOutcome.FunnelNotFound => ApiResponse.Problem(404, "funnel_not_found", "Funnel not found", "No published funnel has this slug."),
        CheckoutOutcome.Declined => ApiResponse.Problem(402, "card_declined", "Payment declined", result.Message ?? "The card was declined. Nothing was charged.",
            new Dictionary<string, object?> { ["declineCode"] = result.DeclineCode, ["orderId"] = result.OrderId }),
        CheckoutOutcome.GatewayUnavailable => ApiResponse.Problem(503, "gateway_unavailable", "Payment service unavailable", result.Message ?? "Nothing was charged; try again."),
        _ => new ApiResponse(201, new CheckoutResponse(
            result.OrderId,
            result.SessionToken,
            result.Next switch
            {
                CheckoutNext.Offer => NextDto.Offer(result.NextStepId!.Value),
                CheckoutNext.RequiresAction => new NextDto("requires_action", ActionUrl: result.ActionUrl),
                CheckoutNext.Processing => new NextDto("processing"),
                _ => NextDto.ThankYou,
            },
            MoneyDto.From(result.Total),
            $"/r/{result.ReceiptToken}")),
    };
}
