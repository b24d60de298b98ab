namespace Encore.Domain.Linting;

/// <summary>A product at a price, sold on the checkout page: the main product or an order bump.</summary>
/// <param name="Name">The product's name, as the buyer reads it.</param>
/// <param name="Topics">Tags the linter compares to judge whether two offers are related (case and spaces ignored).</param>
/// <param name="Price">What it costs.</param>
/// <param name="Terms">For a recurring price: amount, interval, first charge and how to cancel, in the seller's words.</param>
public sealed record OfferItem(string Name, IReadOnlyList<string>? Topics, Price Price, string? Terms = null);
