using System.Security.Cryptography;
using System.Text;

namespace Encore.Web.Infrastructure;

/// <summary>Unguessable tokens (256 bits from the OS's cryptographic RNG) and the hashes they are stored as.</summary>
public static class SecretTokens
{
    public const int Bytes = 32;

    /// <summary>A new URL-safe token: 43 characters of base64url.</summary>
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>Lower-case hex SHA-256 of the token: what the database keeps.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when the text could be a token at all; anything else is answered 404 without a query.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
