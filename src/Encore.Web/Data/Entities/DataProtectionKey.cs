namespace Encore.Web.Data.Entities;

/// <summary>One ASP.NET Core data-protection key, as XML.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public required string FriendlyName { get; set; }
    public required string Xml { get; set; }
}
