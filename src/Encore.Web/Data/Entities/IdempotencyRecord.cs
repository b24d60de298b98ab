namespace Encore.Web.Data.Entities;

/// <summary>
/// The first response to an <c>Idempotency-Key</c>, stored so that a retry replays it instead of acting again.
/// A record in progress holds a lease; a retry after the lease ran out (its request died) may take it over.
/// </summary>
public sealed class IdempotencyRecord
{
    public Guid Id { get; set; }
    public required string Scope { get; set; }
    /// <summary>SHA-256 of the client's key: the key itself unseals <see cref="ResponseBody"/>, so it is not stored.</summary>
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public bool Completed { get; set; }
    public int? ResponseStatus { get; set; }
    /// <summary>The response, sealed (AES-GCM) with a key derived from the client's key.</summary>
    public string? ResponseBody { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LeaseExpiresAt { get; set; }
}
