using Microsoft.AspNetCore.Hosting;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>The app with sellers' files in a folder of its own (deleted after the class), for tests that upload and download.</summary>
public class BuyerAccountApp(DatabaseKind kind) : EncoreApp(kind)
{
    private readonly string _files = Path.Combine(Path.GetTempPath(), "encore-tests", "files-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("Encore:Files:Folder", _files);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(_files, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        GC.SuppressFinalize(this);
    }
}

public sealed class BuyerAccountSqliteApp() : BuyerAccountApp(DatabaseKind.Sqlite);

public sealed class BuyerAccountPostgresApp() : BuyerAccountApp(DatabaseKind.Postgres);
