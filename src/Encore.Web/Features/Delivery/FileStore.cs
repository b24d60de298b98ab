using System.Security.Cryptography;

namespace Encore.Web.Features.Delivery;

/// <summary>What a store kept of an upload: its size and SHA-256, counted while it streamed in.</summary>
public sealed record StoredObject(long Size, string Sha256);

/// <summary>The upload was larger than the limit; nothing was kept.</summary>
public sealed class FileTooLargeException(long limit) : Exception($"The file is larger than {limit:N0} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>The file store did not take the file (disk full, bucket unreachable); nothing was kept.</summary>
public sealed class FileStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Where sellers' files live: a folder (the default) or S3-compatible object storage. A file is written whole under a
/// new key, or not at all, before any row names it; so a buyer is never offered half a file. A store that cannot be
/// reached answers <see cref="FileStoreUnavailableException"/>, never its own client's exceptions.
/// </summary>
public interface IFileStore
{
    /// <summary>Streams <paramref name="content"/> to <paramref name="key"/> (never whole in memory), refusing past <paramref name="maxBytes"/>.</summary>
    Task<StoredObject> PutAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The file's content, seekable where the store allows (for range requests); null when it is not there.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Whether the file is there (without reading it).</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// A URL the buyer's browser downloads from directly, valid for <paramref name="lifetime"/> and naming the file and
    /// its type (S3's presigned GET); null when Encore streams the file itself (the folder store).
    /// </summary>
    Task<Uri?> DirectDownloadAsync(string key, string fileName, string contentType, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Removes the file; a key that is not there is no error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

public static class FileContent
{
    /// <summary>Copies in 80 KiB blocks, hashing and counting, and stops at the first byte past the limit.</summary>
    public static async Task<StoredObject> CopyCountingAsync(Stream from, Stream to, long maxBytes, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            size += read;
            if (size > maxBytes) throw new FileTooLargeException(maxBytes);
            hash.AppendData(buffer, 0, read);
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return new StoredObject(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>
    /// <c>attachment; filename="…"; filename*=UTF-8''…</c>: the name for every browser, an ASCII stand-in for old ones
    /// (RFC 6266 and 5987), as ASP.NET Core writes it for a file it streams.
    /// </summary>
    public static string AttachmentDisposition(string fileName)
    {
        var disposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        return disposition.ToString();
    }
}

/// <summary>
/// Files in a folder: <c>Encore:Files:Folder</c>, by default <c>data/files</c> beside the SQLite database. An upload
/// goes to a temporary name in the same folder and is moved into place only once complete. Several instances need
/// one shared folder (or the S3 store).
/// </summary>
public sealed class LocalFileStore : IFileStore
{
    private readonly string _root;
    private readonly string _incoming;

    public LocalFileStore(IConfiguration configuration, IHostEnvironment environment)
    {
        _root = Path.GetFullPath(configuration["Encore:Files:Folder"] is { Length: > 0 } folder
            ? folder
            : Path.Combine(environment.ContentRootPath, "data", "files"));
        _incoming = Path.Combine(_root, ".incoming");
        Directory.CreateDirectory(_incoming);
    }

    public string Root => _root;

    public async Task<StoredObject> PutAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        var temporary = Path.Combine(_incoming, Guid.NewGuid().ToString("N"));
        try
        {
            StoredObject stored;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                stored = await FileContent.CopyCountingAsync(content, file, maxBytes, cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temporary, target, overwrite: false);
            return stored;
        }
        catch (IOException exception)
        {
            throw new FileStoreUnavailableException($"The file store at {_root} did not take the file: {exception.Message}", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new FileStoreUnavailableException($"The file store at {_root} is not writable: {exception.Message}", exception);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Stream? stream = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous) : null;
        return Task.FromResult(stream);
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(key)));

    public Task<Uri?> DirectDownloadAsync(string key, string fileName, string contentType, TimeSpan lifetime, CancellationToken cancellationToken) =>
        Task.FromResult<Uri?>(null);

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }

    /// <summary>Keys are Encore's own (<c>sellers/{id}/{id}</c>); a key that would leave the folder is refused all the same.</summary>
    private string PathOf(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException("A storage key stays inside the store.", nameof(key));
        return path;
    }
}
