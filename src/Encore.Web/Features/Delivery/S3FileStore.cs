using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Encore.Web.Features.Delivery;

/// <summary>
/// The S3 store's settings, <c>Encore:Files:S3:…</c>; chosen when <c>Bucket</c> is set. Read once at start, so a
/// mistake stops Encore with the reason instead of failing a seller's first upload.
/// </summary>
public sealed record S3FileStoreOptions
{
    /// <summary>The smallest part S3 takes (every part of a multipart upload but the last).</summary>
    public const int MinPartMiB = 5;

    public required string Bucket { get; init; }

    /// <summary>Another S3-compatible service (R2, MinIO, Backblaze): its endpoint, e.g. https://ACCOUNT.r2.cloudflarestorage.com.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The region (AWS: eu-west-1; R2: auto); with a service URL, the region requests are signed for (default us-east-1).</summary>
    public string? Region { get; init; }

    /// <summary>With <see cref="SecretKey"/>: fixed credentials; without both, the SDK's default chain (environment, profile, instance role).</summary>
    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    /// <summary>https://host/bucket/key instead of https://bucket.host/key; on by default with a service URL (MinIO needs it).</summary>
    public bool ForcePathStyle { get; init; }

    /// <summary>A folder inside the bucket for Encore's keys ("encore" → encore/sellers/…), so a bucket can be shared.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>The size of the parts a large upload is sent in, and so the memory one upload holds: 8 MiB by default.</summary>
    public int PartMiB { get; init; } = 8;

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["Encore:Files:S3:Bucket"]);

    public static S3FileStoreOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Encore:Files:S3");
        string? Value(string name) => section[name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var problems = new List<string>();

        var bucket = Value("Bucket") ?? "";
        if (bucket.Length == 0) problems.Add("Bucket is empty");
        Uri? serviceUrl = null;
        if (Value("ServiceUrl") is { } url &&
            (!Uri.TryCreate(url, UriKind.Absolute, out serviceUrl) || serviceUrl.Scheme is not ("https" or "http")))
            problems.Add($"ServiceUrl \"{url}\" is not an http(s) address");
        var region = Value("Region");
        if (serviceUrl is null && region is null) problems.Add("set Region (AWS) or ServiceUrl (another S3-compatible service)");
        var (accessKey, secretKey) = (Value("AccessKey"), Value("SecretKey"));
        if ((accessKey is null) != (secretKey is null))
            problems.Add("set both AccessKey and SecretKey, or neither for the SDK's default credentials");
        var forcePathStyle = serviceUrl is not null;
        if (Value("ForcePathStyle") is { } style && !bool.TryParse(style, out forcePathStyle)) problems.Add("ForcePathStyle is true or false");
        var partMiB = 8;
        if (Value("PartMiB") is { } part && (!int.TryParse(part, out partMiB) || partMiB is < MinPartMiB or > 512))
            problems.Add($"PartMiB is {MinPartMiB} to 512");
        if (problems.Count > 0)
            throw new InvalidOperationException($"Encore:Files:S3 (the S3 file store) is not usable: {string.Join("; ", problems)}.");
        return new S3FileStoreOptions
        {
            Bucket = bucket, ServiceUrl = serviceUrl, Region = region, AccessKey = accessKey, SecretKey = secretKey,
            ForcePathStyle = forcePathStyle, Prefix = (Value("Prefix") ?? "").Trim('/'), PartMiB = partMiB,
        };
    }
}

/// <summary>
/// Files in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Backblaze B2) through the AWS SDK. An upload is
/// read one part at a time (<see cref="S3FileStoreOptions.PartMiB"/>, never the whole file), counted and hashed as it
/// goes: a file that fits in one part is one PUT, a larger one a multipart upload, which S3 shows under its key only
/// when completed and which is aborted on any failure, so nothing half-written is ever visible. Buyers download from
/// the bucket by presigned GET URLs; Encore never carries the bytes.
/// </summary>
public sealed class S3FileStore : IFileStore, IDisposable
{
    private readonly S3FileStoreOptions _options;
    private readonly IAmazonS3 _client;
    private readonly ILogger<S3FileStore> _logger;
    private readonly int _partBytes;

    public S3FileStore(S3FileStoreOptions options, ILogger<S3FileStore> logger)
    {
        _options = options;
        _logger = logger;
        _partBytes = options.PartMiB * 1024 * 1024;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 requires them: several S3-compatible services refuse the SDK's default trailing
            // checksums (aws-chunked). Encore checks the content itself: its SHA-256 is counted on the way in.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromMinutes(2),
        };
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = options.Region ?? "us-east-1";
        }
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region!);
        _client = options.AccessKey is { } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public string Bucket => _options.Bucket;

    /// <summary>The object's key in the bucket: Encore's key under the prefix.</summary>
    public string ObjectKey(string key) => _options.Prefix.Length == 0 ? key : $"{_options.Prefix}/{key}";

    public async Task<StoredObject> PutAsync(string key, Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(_partBytes);
        string? uploadId = null;
        try
        {
            var parts = new List<PartETag>();
            long size = 0;
            while (true)
            {
                var filled = await FillAsync(content, buffer, _partBytes, cancellationToken);
                size += filled;
                if (size > maxBytes) throw new FileTooLargeException(maxBytes);
                hash.AppendData(buffer, 0, filled);
                if (uploadId is null && filled < _partBytes)
                {
                    // The whole file fits in one part: one PUT, which S3 shows whole or not at all.
                    await CallAsync("store the file", () => _client.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = _options.Bucket, Key = objectKey, InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                        AutoCloseStream = false, UseChunkEncoding = false,
                    }, cancellationToken), cancellationToken);
                    break;
                }
                if (filled == 0) break; // the last part was full; nothing more came
                uploadId ??= (await CallAsync("start the upload", () => _client.InitiateMultipartUploadAsync(
                    new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = objectKey }, cancellationToken), cancellationToken)).UploadId;
                var number = parts.Count + 1;
                var uploaded = await CallAsync($"store part {number}", () => _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _options.Bucket, Key = objectKey, UploadId = uploadId, PartNumber = number,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false), PartSize = filled, UseChunkEncoding = false,
                }, cancellationToken), cancellationToken);
                parts.Add(new PartETag(number, uploaded.ETag));
                if (filled < _partBytes) break;
            }
            if (uploadId is not null)
            {
                await CallAsync("complete the upload", () => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = _options.Bucket, Key = objectKey, UploadId = uploadId, PartETags = parts,
                }, cancellationToken), cancellationToken);
                uploadId = null; // complete: nothing to abort
            }
            return new StoredObject(size, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (uploadId is not null) await AbortAsync(objectKey, uploadId);
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await CallAsync("read the file", () => _client.GetObjectAsync(
                new GetObjectRequest { BucketName = _options.Bucket, Key = ObjectKey(key) }, cancellationToken), cancellationToken);
            return new ResponseStream(response);
        }
        catch (FileStoreUnavailableException exception) when (exception.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("look the file up", () => _client.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = ObjectKey(key) }, cancellationToken), cancellationToken);
            return true;
        }
        catch (FileStoreUnavailableException exception) when (exception.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return false;
        }
    }

    /// <summary>
    /// A presigned GET for the object that makes the bucket answer with the file's name (attachment, RFC 5987) and type,
    /// whatever the object was stored with. Signed here, without a call to the bucket; at most S3's 7 days.
    /// </summary>
    public async Task<Uri?> DirectDownloadAsync(string key, string fileName, string contentType, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var seconds = Math.Clamp(lifetime.TotalSeconds, 1, TimeSpan.FromDays(7).TotalSeconds);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket, Key = ObjectKey(key), Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddSeconds(seconds),
            Protocol = _options.ServiceUrl?.Scheme == "http" ? Protocol.HTTP : Protocol.HTTPS,
            ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = contentType, ContentDisposition = FileContent.AttachmentDisposition(fileName) },
        };
        return new Uri(await CallAsync("sign a download", () => _client.GetPreSignedURLAsync(request), cancellationToken));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        CallAsync("delete the file", () => _client.DeleteObjectAsync(
            new DeleteObjectRequest { BucketName = _options.Bucket, Key = ObjectKey(key) }, cancellationToken), cancellationToken);

    public void Dispose() => _client.Dispose();

    /// <summary>Reads until the buffer holds <paramref name="count"/> bytes or the stream ends.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < count && (read = await content.ReadAsync(buffer.AsMemory(filled, Math.Min(count - filled, 81920)), cancellationToken)) > 0)
            filled += read;
        return filled;
    }

    /// <summary>
    /// Best effort: an upload that failed is aborted so its parts are dropped; if the bucket cannot be reached now,
    /// the parts stay invisible (never under the key) until the bucket's lifecycle rule removes them.
    /// </summary>
    private async Task AbortAsync(string objectKey, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = objectKey, UploadId = uploadId });
        }
        catch (Exception exception) when (IsStoreFault(exception, CancellationToken.None))
        {
            _logger.LogWarning(exception,
                "Could not abort the multipart upload {UploadId} of {Key} in bucket {Bucket}; its parts are not visible under the key and go with the bucket's rule for incomplete uploads",
                uploadId, objectKey, _options.Bucket);
        }
    }

    /// <summary>One call to the bucket; what S3, the network or the SDK throws becomes <see cref="FileStoreUnavailableException"/>.</summary>
    private async Task<T> CallAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (IsStoreFault(exception, cancellationToken))
        {
            var detail = exception is AmazonServiceException { StatusCode: var status, ErrorCode: var code }
                ? $"{(int)status} {code}: {exception.Message}"
                : exception.Message;
            throw new FileStoreUnavailableException($"The S3 bucket {_options.Bucket} did not {what}: {detail}", exception);
        }
    }

    private async Task CallAsync(string what, Func<Task> call, CancellationToken cancellationToken) =>
        await CallAsync<bool>(what, async () => { await call(); return true; }, cancellationToken);

    /// <summary>The bucket's or the network's fault (a timeout too), not the caller's cancellation.</summary>
    private static bool IsStoreFault(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        AmazonServiceException or AmazonClientException or HttpRequestException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>The object's body; disposing it closes the response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) response.Dispose();
            base.Dispose(disposing);
        }
    }
}
