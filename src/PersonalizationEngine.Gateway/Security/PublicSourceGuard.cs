using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using PersonalizationEngine.Gateway.Problems;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>Limits of requests made with browser (public) keys; <c>RateLimits:Public:*</c> and <c>Limits:Public:*</c>.</summary>
public sealed class PublicLimits
{
    public int PerIpPermitsPerSecond { get; set; } = 20;
    public int? PerIpBurst { get; set; }
    public int PerKeyPermitsPerSecond { get; set; } = 2_000;
    public int? PerKeyBurst { get; set; }

    /// <summary>Segment's limits: 500 KB per batch request, 32 KB per message (and per single-message request).</summary>
    public long MaxBatchBytes { get; set; } = 500 * 1024;
    public long MaxMessageBytes { get; set; } = IdentityVerifier.MaxMessageBytes;
}

/// <summary>
/// Runs after authentication for requests made with a browser key: they may call only the tracking routes; they
/// are rate limited per client IP and per key (token buckets of <c>System.Threading.RateLimiting</c>, 429 with
/// <c>Retry-After</c>); a cross-origin request must come from an origin the key allows (403); bodies are limited
/// as the Segment spec has them (413). Server keys pass untouched, at no cost.
/// </summary>
public sealed class PublicSourceGuard : IDisposable
{
    private readonly RequestDelegate _next;
    private readonly PublicLimits _limits;
    private readonly PartitionedRateLimiter<string> _perIp;
    private readonly PartitionedRateLimiter<string> _perKey;

    public PublicSourceGuard(RequestDelegate next, PublicLimits limits)
    {
        _next = next;
        _limits = limits;
        _perIp = Buckets(limits.PerIpPermitsPerSecond, limits.PerIpBurst);
        _perKey = Buckets(limits.PerKeyPermitsPerSecond, limits.PerKeyBurst);
    }

    private static PartitionedRateLimiter<string> Buckets(int permits, int? burst)
    {
        var options = new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst ?? permits * 2,
            TokensPerPeriod = permits,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        return PartitionedRateLimiter.Create<string, string>(who => RateLimitPartition.GetTokenBucketLimiter(who, _ => options));
    }

    /// <summary>The routes a browser key may call: Segment ingestion, the tracker route, native ingestion.</summary>
    public static bool IsTrackingPath(PathString path) =>
        path.StartsWithSegments("/v1") || path.StartsWithSegments("/t/v1") || path.StartsWithSegments("/api/v1/events");

    public Task InvokeAsync(HttpContext context)
    {
        if (ApiKeyAuthenticationHandler.KeyOf(context.User) is not { IsBrowser: true } key) return _next(context);
        var request = context.Request;
        if (HttpMethods.IsOptions(request.Method)) return _next(context);
        if (!IsTrackingPath(request.Path))
        {
            return ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden.",
                "This is a browser (public) key: it may only send events and ask for a visitor's offers. Use a server key for this route.", "Authorization");
        }

        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using (var lease = _perIp.AttemptAcquire(ip))
        {
            if (!lease.IsAcquired) return TooMany(context, lease, $"A browser key allows {_limits.PerIpPermitsPerSecond} requests per second from one IP address.");
        }
        using (var lease = _perKey.AttemptAcquire(key.Id))
        {
            if (!lease.IsAcquired) return TooMany(context, lease, $"This browser key allows {_limits.PerKeyPermitsPerSecond} requests per second in all.");
        }

        if (request.Headers.Origin is { Count: > 0 } originHeader)
        {
            var origin = originHeader.ToString();
            if (!Origins.Allows(key.AllowedOrigins, origin) && !SameOrigin(request, origin))
            {
                return ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, "Origin not allowed.",
                    "This write key may not be used from this origin; add it to the key's allowed origins.", "Origin");
            }
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            var limit = request.Path.StartsWithSegments("/v1/batch") || request.Path.StartsWithSegments("/api/v1/events") ? _limits.MaxBatchBytes : _limits.MaxMessageBytes;
            if (request.ContentLength > limit)
            {
                context.Response.Headers.Connection = "close"; // the body is not read
                return ProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large.",
                    $"A request from a browser source to this route is at most {limit / 1024} KB.", "body");
            }
            // Also without a declared length (chunked, or gzip expanding): the body stream stops at the limit.
            request.Body = new LimitedReadStream(request.Body, limit);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } max && (max.MaxRequestBodySize is null || max.MaxRequestBodySize > limit))
            {
                max.MaxRequestBodySize = limit;
            }
        }
        return _next(context);
    }

    private static bool SameOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, request.Scheme + "://" + request.Host.Value, StringComparison.OrdinalIgnoreCase);

    private static Task TooMany(HttpContext context, RateLimitLease lease, string detail)
    {
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return ProblemWriter.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Rate limit exceeded.", detail, "Authorization", retry);
    }

    public void Dispose()
    {
        _perIp.Dispose();
        _perKey.Dispose();
    }

    /// <summary>A read-only view of a body that fails with 413 once more than the limit has been read.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
            {
                throw new BadHttpRequestException(string.Create(CultureInfo.InvariantCulture, $"A request from a browser source to this route is at most {limit / 1024} KB."), StatusCodes.Status413PayloadTooLarge);
            }
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
