using System.Globalization;

namespace Encore.Web.Features.Delivery;

public static class Sizes
{
    /// <summary>"812 bytes", "1.4 MB", "2.0 GB" (decimal units, as file managers show them).</summary>
    public static string Format(long bytes) => bytes switch
    {
        < 1000 => $"{bytes} bytes",
        < 1_000_000 => (bytes / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " kB",
        < 1_000_000_000 => (bytes / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
    };
}
