using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Encore.Web.Data;

public static class Transactions
{
    /// <summary>
    /// Begins a transaction in which <c>SaveChanges</c> does not wrap itself in a savepoint. EF Core sets one
    /// before every save inside a transaction and releases it afterwards, and on PostgreSQL the release is a
    /// round trip of its own. The buyer's transactions need none: any failed statement there fails the whole
    /// transaction, which is rolled back. The one save that continues after a refusal (the receipt mail's
    /// unique index) sets its own savepoint (<see cref="Features.Email.EmailOutbox"/>). A pooled context gets
    /// savepoints back when it is returned.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginWithoutSavepointsAsync(this DatabaseFacade database, CancellationToken cancellationToken)
    {
        var transaction = await database.BeginTransactionAsync(cancellationToken);
        database.AutoSavepointsEnabled = false;
        return transaction;
    }
}
