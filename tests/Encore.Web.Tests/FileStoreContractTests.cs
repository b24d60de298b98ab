using System.Net;
using System.Security.Cryptography;
using System.Web;
using Encore.Web.Features.Delivery;
using Encore.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encore.Web.Tests;

/// <summary>
/// What every <see cref="IFileStore"/> promises, run against the folder store and the S3 store (on s3rver): the bytes
/// come back whole with the size and SHA-256 counted on the way in; past the limit, on a failing or cancelled source,
/// or with the store out of reach nothing is visible under the key; a missing key reads as absent.
/// </summary>
public abstract class FileStoreContractTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : FileStoreFixture
{
    protected const int MiB = 1024 * 1024;

    protected TFixture Fixture { get; } = fixture;

    protected IFileStore Store => Fixture.Store;

    [Theory]
    [InlineData(1)]
    [InlineData(100_000)]
    [InlineData(5 * MiB)] // exactly one S3 part
    [InlineData(11 * MiB + 123)] // three parts, the last short
    public async Task The_bytes_come_back_whole_with_the_size_and_sha256_counted_on_the_way_in(int size)
    {
        var key = NewKey();
        var content = Bytes(size);
        var stored = await Store.PutAsync(key, new TrickleStream(content), 64 * MiB, CancellationToken.None);
        Assert.Equal(new StoredObject(size, Convert.ToHexStringLower(SHA256.HashData(content))), stored);
        Assert.True(await Store.ExistsAsync(key, CancellationToken.None));
        Assert.Equal(content, await ReadAsync(key));
    }

    [Fact]
    public async Task An_empty_file_is_stored_empty_for_the_caller_to_refuse()
    {
        var key = NewKey();
        var stored = await Store.PutAsync(key, new MemoryStream(), 1000, CancellationToken.None);
        Assert.Equal(new StoredObject(0, Convert.ToHexStringLower(SHA256.HashData([]))), stored);
        await Store.DeleteAsync(key, CancellationToken.None);
        Assert.False(await Store.ExistsAsync(key, CancellationToken.None));
    }

    [Theory]
    [InlineData(1000, 999)]
    [InlineData(11 * MiB, 6 * MiB)] // refused in the second part, after the first was sent
    [InlineData(10 * MiB + 1, 10 * MiB)] // one byte past two full parts
    public async Task Past_the_limit_the_upload_is_refused_and_nothing_is_under_the_key(int size, int limit)
    {
        var key = NewKey();
        var refused = await Assert.ThrowsAsync<FileTooLargeException>(() => Store.PutAsync(key, new TrickleStream(Bytes(size)), limit, CancellationToken.None));
        Assert.Equal(limit, refused.Limit);
        await AssertNothingUnderAsync(key);
    }

    [Fact]
    public async Task Exactly_the_limit_is_taken()
    {
        var key = NewKey();
        var content = Bytes(10 * MiB);
        Assert.Equal(content.Length, (await Store.PutAsync(key, new TrickleStream(content), content.Length, CancellationToken.None)).Size);
        Assert.Equal(content, await ReadAsync(key));
    }

    [Fact]
    public async Task A_source_that_breaks_midway_leaves_nothing_under_the_key()
    {
        var key = NewKey();
        var source = new TrickleStream(Bytes(11 * MiB)) { FailAfter = 6 * MiB };
        await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync(key, source, 64 * MiB, CancellationToken.None));
        Assert.True(source.Position >= 6 * MiB); // it did break midway, after a part was sent
        await AssertNothingUnderAsync(key);
    }

    [Fact]
    public async Task A_cancelled_upload_leaves_nothing_under_the_key()
    {
        var key = NewKey();
        using var cancel = new CancellationTokenSource();
        var source = new TrickleStream(Bytes(11 * MiB)) { CancelAfter = (6 * MiB, cancel) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync(key, source, 64 * MiB, cancel.Token));
        await AssertNothingUnderAsync(key);
    }

    [Fact]
    public async Task A_missing_key_reads_as_absent_and_deletes_quietly()
    {
        var key = NewKey();
        Assert.False(await Store.ExistsAsync(key, CancellationToken.None));
        Assert.Null(await Store.OpenReadAsync(key, CancellationToken.None));
        await Store.DeleteAsync(key, CancellationToken.None);
    }

    [Fact]
    public async Task A_deleted_file_is_gone_and_its_neighbour_stays()
    {
        var (key, neighbour) = (NewKey(), NewKey());
        await Store.PutAsync(key, new MemoryStream(Bytes(2000)), 64 * MiB, CancellationToken.None);
        await Store.PutAsync(neighbour, new MemoryStream(Bytes(3000)), 64 * MiB, CancellationToken.None);
        await Store.DeleteAsync(key, CancellationToken.None);
        Assert.False(await Store.ExistsAsync(key, CancellationToken.None));
        Assert.Null(await Store.OpenReadAsync(key, CancellationToken.None));
        Assert.Equal(Bytes(3000), await ReadAsync(neighbour));
    }

    [Fact]
    public async Task A_store_out_of_reach_refuses_the_upload_as_unavailable_and_keeps_nothing()
    {
        var key = NewKey();
        await Assert.ThrowsAsync<FileStoreUnavailableException>(() =>
            Fixture.Unreachable.PutAsync(key, new TrickleStream(Bytes(6 * MiB)), 64 * MiB, CancellationToken.None));
        await AssertNothingUnderAsync(key);
    }

    protected string NewKey() => $"sellers/{Guid.NewGuid():N}/{Guid.NewGuid():N}";

    /// <summary>The same bytes for the same length (a fixed seed), different from block to block.</summary>
    protected static byte[] Bytes(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    protected async Task<byte[]> ReadAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, CancellationToken.None);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task AssertNothingUnderAsync(string key)
    {
        Fixture.EnsureAvailable();
        Assert.False(await Store.ExistsAsync(key, CancellationToken.None));
        Assert.Null(await Store.OpenReadAsync(key, CancellationToken.None));
        Assert.Empty(await Fixture.LeftoversAsync(key));
    }
}

/// <summary>One store for a test class, and the same kind of store with nothing behind it.</summary>
public abstract class FileStoreFixture : IAsyncLifetime
{
    private IFileStore? _store;
    private IFileStore? _unreachable;

    public IFileStore Store
    {
        get
        {
            EnsureAvailable();
            return _store!;
        }
    }

    public IFileStore Unreachable
    {
        get
        {
            EnsureAvailable();
            return _unreachable!;
        }
    }

    public virtual void EnsureAvailable()
    {
    }

    /// <summary>Whatever is visible under the key, or half-written beside it (a store's temporary files).</summary>
    public abstract Task<IReadOnlyList<string>> LeftoversAsync(string key);

    protected abstract Task<(IFileStore Store, IFileStore Unreachable)> CreateAsync();

    public async ValueTask InitializeAsync() => (_store, _unreachable) = await CreateAsync();

    public virtual ValueTask DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        (_unreachable as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}

public sealed class LocalStoreFixture : FileStoreFixture
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "encore-store-" + Guid.NewGuid().ToString("N"));
    private readonly string _gone = Path.Combine(Path.GetTempPath(), "encore-store-gone-" + Guid.NewGuid().ToString("N"));

    public override Task<IReadOnlyList<string>> LeftoversAsync(string key) =>
        Task.FromResult<IReadOnlyList<string>>(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories)
            .Where(f => f.Contains(".incoming", StringComparison.Ordinal) || f.EndsWith(key, StringComparison.Ordinal)).ToList());

    protected override Task<(IFileStore Store, IFileStore Unreachable)> CreateAsync()
    {
        var store = new LocalFileStore(Settings(("Encore:Files:Folder", _folder)), new Environment());
        // A folder that vanished (an unmounted share) and left a plain file in its place.
        var unreachable = new LocalFileStore(Settings(("Encore:Files:Folder", _gone)), new Environment());
        Directory.Delete(_gone, recursive: true);
        File.WriteAllText(_gone, "not a folder");
        return Task.FromResult<(IFileStore, IFileStore)>((store, unreachable));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
        File.Delete(_gone);
    }

    private sealed class Environment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "Encore.Web";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}

public sealed class S3StoreFixture : FileStoreFixture
{
    private S3rver? _server;

    public S3rver Server => _server!;

    public string Bucket { get; } = "contract-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Encore's keys go under this folder of the bucket, as <c>Encore:Files:S3:Prefix</c> puts them.</summary>
    public const string Prefix = "encore";

    public override void EnsureAvailable() => S3rver.EnsureAvailable();

    public override async Task<IReadOnlyList<string>> LeftoversAsync(string key) => await Server.KeysAsync(Bucket, $"{Prefix}/{key}");

    protected override async Task<(IFileStore Store, IFileStore Unreachable)> CreateAsync()
    {
        if (S3rver.Missing is not null) return (null!, null!); // each test skips or fails
        _server = await S3rver.StartAsync();
        await _server.CreateBucketAsync(Bucket);
        return (Create(_server.Url), Create($"http://127.0.0.1:{TestSmtpServer.FreePort()}"));
    }

    private S3FileStore Create(string serviceUrl) => new(S3FileStoreOptions.From(Settings(
        ("Encore:Files:S3:Bucket", Bucket), ("Encore:Files:S3:ServiceUrl", serviceUrl), ("Encore:Files:S3:Prefix", "/" + Prefix + "/"),
        ("Encore:Files:S3:AccessKey", S3rver.AccessKey), ("Encore:Files:S3:SecretKey", S3rver.SecretKey),
        ("Encore:Files:S3:PartMiB", "5"))), NullLogger<S3FileStore>.Instance);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
    }
}

public sealed class FileStoreContract_Local(LocalStoreFixture fixture) : FileStoreContractTests<LocalStoreFixture>(fixture)
{
    [Fact]
    public async Task The_folder_store_streams_downloads_itself_and_keeps_keys_inside_its_folder()
    {
        Assert.Null(await Store.DirectDownloadAsync(NewKey(), "a.pdf", "application/pdf", TimeSpan.FromMinutes(5), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("../outside", new MemoryStream([1]), 10, CancellationToken.None));
    }
}

[Trait("Needs", "Node")]
public sealed class FileStoreContract_S3(S3StoreFixture fixture) : FileStoreContractTests<S3StoreFixture>(fixture)
{
    [Fact]
    public async Task A_presigned_url_serves_the_bytes_as_an_attachment_with_the_name_and_type_until_it_expires()
    {
        var key = NewKey();
        var content = Bytes(6 * MiB);
        await Store.PutAsync(key, new MemoryStream(content), 64 * MiB, CancellationToken.None);
        const string name = "Calm workbook – 2nd édition (final).pdf";
        var url = await Store.DirectDownloadAsync(key, name, "application/pdf", TimeSpan.FromMinutes(15), CancellationToken.None);
        Assert.NotNull(url);
        Assert.Equal(Fixture.Server.Port, url.Port);
        Assert.InRange(int.Parse(HttpUtility.ParseQueryString(url.Query)["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture), 898, 901);
        Assert.Contains($"/{Fixture.Bucket}/{S3StoreFixture.Prefix}/{key}", url.AbsolutePath);

        using var browser = new HttpClient();
        using var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(name, disposition.FileNameStar);

        // Signed for the host, path and overrides as they reach the bucket (checked here: s3rver does not check V4
        // signatures), so an altered URL is not; and the bucket refuses it once expired.
        Assert.True(PresignedUrls.IsSignedBy(url, S3rver.SecretKey));
        var altered = new UriBuilder(url) { Query = url.Query.TrimStart('?').Replace("response-content-type=application%2Fpdf", "response-content-type=text%2Fhtml") }.Uri;
        Assert.NotEqual(url, altered);
        Assert.False(PresignedUrls.IsSignedBy(altered, S3rver.SecretKey));
        Assert.False(PresignedUrls.IsSignedBy(url, "another-secret"));
        var shortLived = await Store.DirectDownloadAsync(key, name, "application/pdf", TimeSpan.FromSeconds(1), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(shortLived)).StatusCode);
    }

    [Fact]
    public async Task A_large_upload_goes_up_in_parts_of_the_set_size_and_a_small_one_in_one_put()
    {
        int Parts() => Fixture.Server.Output.Count(line => line.Contains("Stored part", StringComparison.Ordinal));
        var before = Parts();
        await Store.PutAsync(NewKey(), new TrickleStream(Bytes(11 * MiB + 123)), 64 * MiB, CancellationToken.None);
        Assert.Equal(3, Parts() - before); // 5 + 5 + 1 MiB: never more than one part in memory
        await Store.PutAsync(NewKey(), new TrickleStream(Bytes(5 * MiB - 1)), 64 * MiB, CancellationToken.None);
        Assert.Equal(3, Parts() - before);
    }

    [Fact]
    public async Task A_bucket_out_of_reach_is_unavailable_for_every_call_not_a_missing_file()
    {
        var key = NewKey();
        await Assert.ThrowsAsync<FileStoreUnavailableException>(() => Fixture.Unreachable.ExistsAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<FileStoreUnavailableException>(() => Fixture.Unreachable.OpenReadAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<FileStoreUnavailableException>(() => Fixture.Unreachable.DeleteAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<FileStoreUnavailableException>(() => Fixture.Unreachable.PutAsync(key, new MemoryStream([1, 2, 3]), 10, CancellationToken.None));
    }

    [Fact]
    public void Settings_that_cannot_work_stop_Encore_at_start_with_the_reasons()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => S3FileStoreOptions.From(Settings(
            ("Encore:Files:S3:Bucket", "b"), ("Encore:Files:S3:AccessKey", "only-the-key"), ("Encore:Files:S3:PartMiB", "4"))));
        Assert.Contains("set Region (AWS) or ServiceUrl", refused.Message);
        Assert.Contains("both AccessKey and SecretKey", refused.Message);
        Assert.Contains("PartMiB is 5 to 512", refused.Message);
        var aws = S3FileStoreOptions.From(Settings(("Encore:Files:S3:Bucket", "b"), ("Encore:Files:S3:Region", "eu-west-1")));
        Assert.False(aws.ForcePathStyle); // AWS: virtual-hosted style
        Assert.Null(aws.AccessKey); // the SDK's default credentials
        Assert.True(S3FileStoreOptions.From(Settings(("Encore:Files:S3:Bucket", "b"), ("Encore:Files:S3:ServiceUrl", "http://minio:9000"))).ForcePathStyle);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}

/// <summary>A non-seekable source that hands out a few KiB per read (as a request body does), and can break or cancel midway.</summary>
internal sealed class TrickleStream(byte[] content) : Stream
{
    private int _position;

    public int? FailAfter { get; init; }

    public (int Bytes, CancellationTokenSource Source)? CancelAfter { get; init; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (FailAfter is { } fail && _position >= fail) throw new IOException("The client went away.");
        if (CancelAfter is var (bytes, source) && _position >= bytes) source.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
        var count = Math.Min(Math.Min(buffer.Length, 7001), content.Length - _position);
        content.AsSpan(_position, count).CopyTo(buffer.Span);
        _position += count;
        return ValueTask.FromResult(count);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
