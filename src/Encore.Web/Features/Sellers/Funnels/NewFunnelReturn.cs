namespace Encore.Web.Features.Sellers.Funnels;

/// <summary>
/// The way back to "New funnel" for a seller who has no price to sell yet: the product pages carry
/// <c>?then=new-funnel</c> through adding a product and its price, then send the seller back to the new funnel's form
/// with that price chosen. A fixed word rather than a URL, so the way back can lead nowhere else.
/// </summary>
public static class NewFunnelReturn
{
    public const string Then = "new-funnel";

    public const string Start = "/seller/products?then=" + Then;

    public static bool Is(string? then) => then == Then;

    public static string WithPrice(Guid priceId) => $"/seller/funnels/new?priceId={priceId}";
}
