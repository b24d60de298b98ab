using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// Checks a presigned GET URL's AWS Signature Version 4 as S3 does (query-string authentication, the host header
/// signed, an unsigned payload). s3rver checks a presigned URL's form, key and expiry but not its V4 signature, so the
/// tests check it here: a URL the SDK made for one host and path must verify exactly as it reaches the bucket.
/// </summary>
public static class PresignedUrls
{
    public static bool IsSignedBy(Uri url, string secretKey)
    {
        var query = ParseRaw(url.Query);
        if (!query.TryGetValue("X-Amz-Signature", out var provided) || !query.TryGetValue("X-Amz-Date", out var date) ||
            !query.TryGetValue("X-Amz-Credential", out var credential) || query.GetValueOrDefault("X-Amz-SignedHeaders") != "host")
            return false;
        var scope = credential.Split('/', 2)[1]; // date/region/s3/aws4_request
        var canonicalQuery = string.Join('&', query.Where(p => p.Key != "X-Amz-Signature")
            .Select(p => (Key: Encode(p.Key), Value: Encode(p.Value))).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        var canonicalPath = string.Join('/', Uri.UnescapeDataString(url.AbsolutePath).Split('/').Select(Encode));
        var host = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        var canonicalRequest = $"GET\n{canonicalPath}\n{canonicalQuery}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD";
        var stringToSign = $"AWS4-HMAC-SHA256\n{date}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var parts = scope.Split('/');
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in parts) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        var expected = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(provided));
    }

    private static Dictionary<string, string> ParseRaw(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace("+", "%20")) : "");

    /// <summary>RFC 3986: everything but A–Z a–z 0–9 - _ . ~ as %XX of its UTF-8 bytes.</summary>
    private static string Encode(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
                text.Append((char)b);
            else text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
