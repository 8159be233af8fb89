using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Running;

/// <summary>HTTP/1.1 keep-alive over a SocketsHttpHandler pool of <c>connections</c> sockets.</summary>
public sealed class HttpRequestSender : IRequestSender, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _client;
    private readonly AuthenticationHeaderValue? _bearer;
    private readonly AuthenticationHeaderValue? _basic;

    public HttpRequestSender(Uri baseUrl, int connections, string? key, string? writeKey)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            // Recycle sockets now and then so DNS/load-balancer changes are seen in long soak runs.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };
        _client = new HttpClient(handler)
        {
            BaseAddress = baseUrl,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _bearer = string.IsNullOrEmpty(key) ? null : new AuthenticationHeaderValue("Bearer", key);
        _basic = string.IsNullOrEmpty(writeKey) ? null : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(writeKey + ":")));
    }

    public async Task<SendOutcome> SendAsync(RequestSpec request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Body is null ? HttpMethod.Get : HttpMethod.Post, request.PathAndQuery);
        message.Headers.Authorization = request.Auth == AuthKind.SegmentWriteKey ? _basic : _bearer;
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = Json;
        }

        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            return new SendOutcome((int)response.StatusCode, response.Headers.RetryAfter is not null);
        }
        catch (HttpRequestException)
        {
            return SendOutcome.TransportError;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout elapsed: a transport-level failure, not a cancelled run.
            return SendOutcome.TransportError;
        }
    }

    public void Dispose() => _client.Dispose();
}
