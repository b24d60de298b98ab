using System.Xml.Linq;
using Encore.Web.Data.Entities;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Encore.Web.Data;

/// <summary>
/// Keeps ASP.NET Core's data-protection keys (which sign antiforgery tokens and cookies) in Encore's own
/// database, so a form rendered by one instance is accepted by another. Keys are only ever added.
/// </summary>
public sealed class DatabaseXmlRepository(IDbContextFactory<EncoreDbContext> databases) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = databases.CreateDbContext();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id)
            .Select(k => k.Xml).AsEnumerable()
            .Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = databases.CreateDbContext();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
