using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>
/// Issue 20, abuse limits of the public routes: rate limits per IP and per browser key (429 + Retry-After), the
/// origin allow-list (CORS preflight and the request itself), Segment's size limits, and browser keys kept off
/// every route but the tracking ones. Server keys are not touched by any of it.
/// </summary>
public sealed class PublicRouteLimitTests : IClassFixture<PublicRouteLimitTests.Engine>
{
    private const string IpHeader = "X-Test-Client-Ip";

    /// <summary>Low limits so a handful of requests cross them; the client IP comes from a test header.</summary>
    public sealed class Engine() : SqliteEngineFactory(new Dictionary<string, string>
    {
        ["Demo:Enabled"] = "true",
        ["Auth:WriteKeys:store:Key"] = SourceTrustTests.StoreKey,
        ["Auth:WriteKeys:store:Trust"] = "browser",
        ["Auth:WriteKeys:store:VerificationSecret"] = SourceTrustTests.StoreSecret,
        ["Auth:WriteKeys:store:AllowedOrigins"] = SourceTrustTests.ShopOrigin,
        ["Auth:WriteKeys:limited:Key"] = "trust-limited-write-key-0123456789",
        ["Auth:WriteKeys:limited:Trust"] = "browser",
        ["Auth:WriteKeys:backend:Key"] = SourceTrustTests.ServerKey,
        ["Auth:WriteKeys:backend:Trust"] = "server",
    }, ClientIps);

    /// <summary>The same engine with low public limits, so a handful of requests cross them.</summary>
    private sealed class LimitedEngine() : SqliteEngineFactory(new Dictionary<string, string>
    {
        ["Auth:WriteKeys:store:Key"] = SourceTrustTests.StoreKey,
        ["Auth:WriteKeys:store:Trust"] = "browser",
        ["Auth:WriteKeys:limited:Key"] = "trust-limited-write-key-0123456789",
        ["Auth:WriteKeys:limited:Trust"] = "browser",
        ["Auth:WriteKeys:backend:Key"] = SourceTrustTests.ServerKey,
        ["Auth:WriteKeys:backend:Trust"] = "server",
        ["RateLimits:Public:PerIpPermitsPerSecond"] = "1",
        ["RateLimits:Public:PerIpBurst"] = "3",
        ["RateLimits:Public:PerKeyPermitsPerSecond"] = "1",
        ["RateLimits:Public:PerKeyBurst"] = "6",
    }, ClientIps);

    private static void ClientIps(IWebHostBuilder b) => b.ConfigureServices(s => s.AddSingleton<IStartupFilter, ClientIpFromHeader>());

    private sealed class ClientIpFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate n) =>
            {
                if (context.Request.Headers.TryGetValue(IpHeader, out var ip)) context.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
                return n(context);
            });
            next(app);
        };
    }

    private readonly Engine _engine;

    public PublicRouteLimitTests(Engine engine) => _engine = engine;

    private HttpClient Client(string key, string ip) => Client(_engine, key, ip);

    private static HttpClient Client(SqliteEngineFactory engine, string key, string ip)
    {
        var c = engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        c.DefaultRequestHeaders.Add(IpHeader, ip);
        return c;
    }

    private static async Task AssertProblem(HttpResponseMessage r, HttpStatusCode status, string field)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await SourceTrustTests.Body(r)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_browser_key_is_rate_limited_per_ip_and_per_key_with_retry_after_and_a_server_key_is_not()
    {
        using var engine = new LimitedEngine();
        HttpClient Client(string key, string ip) => PublicRouteLimitTests.Client(engine, key, ip);
        // Per IP: a burst of 3, then 429 with Retry-After, while another IP is still served.
        var one = Client(SourceTrustTests.StoreKey, "203.0.113.7");
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++) statuses.Add(await one.GetAsync("/t/v1/offers?anonymousId=rl-visitor&placement=home"));
        var limited = statuses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "Authorization");
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Contains("IP address", (await SourceTrustTests.Body(limited)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Client(SourceTrustTests.StoreKey, "203.0.113.8").GetAsync("/t/v1/offers?anonymousId=rl-visitor&placement=home")).StatusCode);

        // Per key: many IPs, one key, a burst of 6 in all.
        var perKey = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++) perKey.Add((await Client("trust-limited-write-key-0123456789", $"198.51.100.{i + 1}").GetAsync("/t/v1/offers?anonymousId=rl-2&placement=home")).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, perKey);
        Assert.True(perKey.Count(s => s == HttpStatusCode.OK) <= 8);

        // A server key from one IP is held to the (high) per-key limit only.
        var server = Client(SourceTrustTests.ServerKey, "203.0.113.9");
        for (var i = 0; i < 12; i++) Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/t/v1/offers?anonymousId=rl-3&placement=home")).StatusCode);
    }

    [Fact]
    public async Task Cors_allows_only_listed_origins_for_browser_keys()
    {
        var anonymous = _engine.CreateClient();
        anonymous.DefaultRequestHeaders.Add(IpHeader, "192.0.2.10");
        HttpRequestMessage Preflight(string origin)
        {
            var m = new HttpRequestMessage(HttpMethod.Options, "/v1/batch");
            m.Headers.Add("Origin", origin);
            m.Headers.Add("Access-Control-Request-Method", "POST");
            m.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return m;
        }
        var ok = await anonymous.SendAsync(Preflight(SourceTrustTests.ShopOrigin));
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(SourceTrustTests.ShopOrigin, ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var evil = await anonymous.SendAsync(Preflight("https://evil.example"));
        Assert.False(evil.Headers.Contains("Access-Control-Allow-Origin"));

        // The request itself: the key's own list decides (403 naming Origin), the listed origin gets CORS headers.
        const string body = """{"batch":[{"type":"page","anonymousId":"cors-visitor","name":"Home"}]}""";
        async Task<HttpResponseMessage> Post(string key, string ip, string origin)
        {
            var m = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = SourceTrustTests.Json(body) };
            m.Headers.Add("Origin", origin);
            return await Client(key, ip).SendAsync(m);
        }
        await AssertProblem(await Post(SourceTrustTests.StoreKey, "192.0.2.11", "https://evil.example"), HttpStatusCode.Forbidden, "Origin");
        var allowed = await Post(SourceTrustTests.StoreKey, "192.0.2.12", SourceTrustTests.ShopOrigin);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(SourceTrustTests.ShopOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        // A browser key without a list works from its own origin only; another site's origin is refused.
        await AssertProblem(await Post("trust-limited-write-key-0123456789", "192.0.2.13", SourceTrustTests.ShopOrigin), HttpStatusCode.Forbidden, "Origin");
        Assert.Equal(HttpStatusCode.OK, (await Post("trust-limited-write-key-0123456789", "192.0.2.14", "http://localhost")).StatusCode);
    }

    [Fact]
    public async Task Browser_sources_get_segment_size_limits_and_server_sources_do_not()
    {
        var big = new string('x', 33 * 1024);
        var oversizeMessage = $$$"""{"batch":[{"type":"track","anonymousId":"size-1","event":"Big","properties":{"blob":"{{{big}}}"}},{"type":"page","anonymousId":"size-1","name":"Home"}]}""";
        var r = await Client(SourceTrustTests.StoreKey, "192.0.2.20").PostAsync("/v1/batch", SourceTrustTests.Json(oversizeMessage));
        Assert.Equal(HttpStatusCode.MultiStatus, r.StatusCode);
        var results = (await SourceTrustTests.Body(r)).GetProperty("results");
        Assert.Equal("rejected", results[0].GetProperty("status").GetString());
        Assert.Equal("[0]", results[0].GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal("accepted", results[1].GetProperty("status").GetString());

        var single = await Client(SourceTrustTests.StoreKey, "192.0.2.21").PostAsync("/v1/track", SourceTrustTests.Json($$$"""{"anonymousId":"size-2","event":"Big","properties":{"blob":"{{{big}}}"}}"""));
        await AssertProblem(single, HttpStatusCode.RequestEntityTooLarge, "body");

        // 600 messages of about 1 KB: each within the message limit, together over 500 KB.
        var messages = string.Join(",", Enumerable.Range(0, 600).Select(i => $$$"""{"type":"track","anonymousId":"size-3","event":"Chunk","messageId":"size-3-{{{i}}}","properties":{"blob":"{{{new string('y', 1000)}}}"}}"""));
        var batch = $$$"""{"batch":[{{{messages}}}]}""";
        await AssertProblem(await Client(SourceTrustTests.StoreKey, "192.0.2.22").PostAsync("/v1/batch", SourceTrustTests.Json(batch)), HttpStatusCode.RequestEntityTooLarge, "body");
        // Chunked (no Content-Length): the body stream stops at the limit all the same.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(batch)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        chunked.Headers.ContentLength = null;
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await AssertProblem(await Client(SourceTrustTests.StoreKey, "192.0.2.23").SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "body");

        Assert.Equal(HttpStatusCode.OK, (await Client(SourceTrustTests.ServerKey, "192.0.2.24").PostAsync("/v1/batch", SourceTrustTests.Json(batch))).StatusCode);
    }

    [Fact]
    public async Task A_browser_key_may_call_only_the_tracking_routes()
    {
        var store = Client(SourceTrustTests.StoreKey, "192.0.2.30");
        // The ingest scope also covers consents: not for a public key (it would let anyone change anyone's consents).
        var consents = await store.PutAsync("/api/v1/customers/user_id:someone/consents", SourceTrustTests.Json("""{"consents":[{"purpose":"marketing","channel":"email","granted":false}]}"""));
        await AssertProblem(consents, HttpStatusCode.Forbidden, "Authorization");
        await AssertProblem(await store.PostAsync("/api/v1/identity-tokens", SourceTrustTests.Json("""{"identifiers":{"user_id":"x"}}""")), HttpStatusCode.Forbidden, "Authorization");
        Assert.Equal(HttpStatusCode.OK, (await store.PostAsync("/api/v1/events", SourceTrustTests.Json($$$"""[{"eventId":"native-b-1","identifiers":{"anonymous_id":"native-visitor","email":"n@example.com"},"channel":"web","type":"page_view","timestamp":"{{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}}"}]"""))).StatusCode);
    }
}
