namespace Encore.Web.Features.Checkout;

/// <summary>Checks of what a buyer types into a card form (the Sandbox's), shared by the checkout and the subscription's card update.</summary>
public static class CheckoutFields
{
    /// <summary>"MM/YY" (or MM/YYYY), not in the past.</summary>
    public static bool ValidExpiry(string? expiry)
    {
        if (expiry is null) return false;
        var parts = expiry.Replace(" ", "").Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var month) || !int.TryParse(parts[1], out var year)) return false;
        if (month is < 1 or > 12) return false;
        year += year < 100 ? 2000 : 0;
        var now = DateTime.UtcNow;
        return year > now.Year || (year == now.Year && month >= now.Month);
    }
}
