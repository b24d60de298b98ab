namespace Encore.Domain.Linting;

/// <summary>
/// One post-purchase step: a one-time offer, or a downsell when a decline edge leads to it. Edges name the
/// next step by its id; null (or blank) sends the buyer to the thank-you page.
/// </summary>
/// <param name="Id">A stable id, unique in the funnel (a slug or a Guid as text); the edges refer to it.</param>
/// <param name="ProductName">The product offered.</param>
/// <param name="Topics">The product's topics, compared with what the buyer has bought.</param>
/// <param name="Price">What one click adds to the order.</param>
/// <param name="Headline">The offer page's headline.</param>
/// <param name="Body">The offer page's copy (plain text or HTML).</param>
/// <param name="Terms">The seller's own terms for a recurring price: amount, interval, first charge and how to cancel.</param>
/// <param name="OnAccept">The step after a yes.</param>
/// <param name="OnDecline">The step after a no: a downsell.</param>
public sealed record StepDefinition(
    string Id,
    string ProductName,
    IReadOnlyList<string>? Topics,
    Price Price,
    string? Headline,
    string? Body,
    string? Terms,
    string? OnAccept,
    string? OnDecline);
