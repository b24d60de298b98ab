using System.Globalization;
using Microsoft.AspNetCore.Hosting;

namespace Encore.Web.Tests.Infrastructure;

/// <summary>
/// Encore as <see cref="EncoreApp"/> runs it, with its files in a bucket of its own on an s3rver of its own (started
/// before the app, so the demo's workbook goes there too). Parts are S3's smallest (5 MiB) and the upload limit
/// 12 MiB, so a test file of a few MiB goes in several parts and one past the limit is refused mid-upload.
/// </summary>
public class S3App(DatabaseKind kind) : EncoreApp(kind)
{
    public const int PartMiB = 5;
    public const long S3MaxFileBytes = 12L * 1024 * 1024;

    private S3rver? _store;

    public S3rver Store => _store ?? throw new InvalidOperationException("s3rver was not started: Node is not available here.");

    public string Bucket { get; } = "encore-" + Guid.NewGuid().ToString("N")[..12];

    public override async ValueTask InitializeAsync()
    {
        if (S3rver.Missing is not null) return; // each test skips or fails
        if (Kind == DatabaseKind.Postgres && TestDatabase.PostgresServer is null) return;
        _store = await S3rver.StartAsync();
        await _store.CreateBucketAsync(Bucket);
        await base.InitializeAsync();
    }

    protected override void EnsureAvailable()
    {
        S3rver.EnsureAvailable();
        base.EnsureAvailable();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Encore:Files:S3:Bucket", Bucket);
        builder.UseSetting("Encore:Files:S3:ServiceUrl", Store.Url);
        builder.UseSetting("Encore:Files:S3:AccessKey", S3rver.AccessKey);
        builder.UseSetting("Encore:Files:S3:SecretKey", S3rver.SecretKey);
        builder.UseSetting("Encore:Files:S3:PartMiB", PartMiB.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Encore:Files:MaxBytes", S3MaxFileBytes.ToString(CultureInfo.InvariantCulture));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_store is not null) await _store.DisposeAsync();
    }
}

public sealed class SqliteS3App() : S3App(DatabaseKind.Sqlite);

public sealed class PostgresS3App() : S3App(DatabaseKind.Postgres);
