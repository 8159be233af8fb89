using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Health, keys, auth, limits, errors, metrics and OpenAPI through the real pipeline.</summary>
public sealed class OperationsTests : IClassFixture<OperationsTests.Engine>
{
    public sealed class Engine : WebApplicationFactory<Program>
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("pe-ops-").FullName;
        public int PermitsPerSecond { get; init; } = 100_000;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Auth:AdminKey", DataApiTests.Admin);
            builder.UseSetting("Auth:WriteKeys:website", DataApiTests.Write);
            builder.UseSetting("Auth:WriteKeys:website:Trust", "server");
            builder.UseSetting("Storage:Provider", "Sqlite");
            builder.UseSetting("Storage:Sqlite:Path", Path.Combine(_dir, "engine.db"));
            builder.UseSetting("Limits:MaxRequestBodyBytes", "65536");
            builder.ConfigureServices(s => s.AddSingleton<IStartupFilter>(new ThrowingRoutes()));
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        public HttpClient Client(string? bearer = DataApiTests.Admin)
        {
            var c = CreateClient();
            if (bearer is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return c;
        }
    }

    /// <summary>Test-only routes that throw what lower layers throw, to check the mapping to problem details.</summary>
    private sealed class ThrowingRoutes : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseEndpoints(e =>
            {
                e.MapGet("/test/mailbox-full", () => { throw new Orleans.Runtime.LimitExceededException("Too many queued calls for customer/k"); });
                e.MapGet("/test/runtime-full", () => { throw new Orleans.Runtime.GatewayTooBusyException(); });
                e.MapGet("/test/wrapped-storage", () => { throw new Orleans.Runtime.OrleansException("Error from storage provider", new PersonalizationEngine.Storage.StorageUnavailableException("down")); });
                e.MapGet("/test/storage-down", () => { throw new PersonalizationEngine.Storage.StorageUnavailableException("down"); });
                e.MapGet("/test/stale-store-write", () => { throw new PersonalizationEngine.Storage.InconsistentStateException("keys", "c-1", 0, 1); });
                e.MapGet("/test/bug", () => { throw new InvalidOperationException("secret internals"); });
            });
        };
    }

    private readonly Engine _engine;

    public OperationsTests(Engine engine) => _engine = engine;

    private static async Task<JsonElement> Problem(HttpResponseMessage r, HttpStatusCode status, string? field = null)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        if (field is not null) Assert.Equal(field, body.GetProperty("field").GetString());
        return body;
    }

    [Fact]
    public async Task Health_is_anonymous_and_ready_checks_storage()
    {
        var c = _engine.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/health/live")).StatusCode);
        var ready = await c.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("sqlite", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_created_once_listed_without_secrets_scoped_and_revoked()
    {
        var admin = _engine.Client();
        var created = await admin.PostAsync("/api/v1/keys", new StringContent("""{"name":"analytics","scopes":["query"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("id").GetString()!;

        var list = await admin.GetStringAsync("/api/v1/keys");
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.DoesNotContain(DataApiTests.Admin, list, StringComparison.Ordinal);
        Assert.Contains(id, list, StringComparison.Ordinal);

        var query = _engine.Client(key);
        await Problem(await query.GetAsync("/api/v1/customers/user_id:none/profile"), HttpStatusCode.NotFound, "ref"); // allowed, just unknown
        await Problem(await query.PostAsync("/api/v1/events", new StringContent("[]")), HttpStatusCode.Forbidden, "Authorization");
        await Problem(await query.GetAsync("/api/v1/keys"), HttpStatusCode.Forbidden, "Authorization");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/keys/{id}")).StatusCode);
        await Problem(await query.GetAsync("/api/v1/customers/user_id:none/profile"), HttpStatusCode.Unauthorized, "Authorization");
        await Problem(await admin.DeleteAsync($"/api/v1/keys/{id}"), HttpStatusCode.NotFound, "id");
        await Problem(await admin.DeleteAsync("/api/v1/keys/bootstrap-admin"), HttpStatusCode.Conflict, "id");

        var bad = await Problem(await admin.PostAsync("/api/v1/keys", new StringContent("""{"name":"","scopes":["root"]}""")), HttpStatusCode.BadRequest, "name");
        Assert.Contains(bad.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "scopes[0]");
    }

    [Fact]
    public async Task Missing_malformed_and_unknown_keys_are_401_problems()
    {
        var r = await _engine.Client(null).GetAsync("/api/v1/stats");
        await Problem(r, HttpStatusCode.Unauthorized, "Authorization");
        Assert.NotEmpty(r.Headers.WwwAuthenticate);
        await Problem(await _engine.Client("not-a-real-key-0123456789").GetAsync("/api/v1/stats"), HttpStatusCode.Unauthorized, "Authorization");
        var c = _engine.Client(null);
        c.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic %%%not-base64");
        await Problem(await c.GetAsync("/api/v1/stats"), HttpStatusCode.Unauthorized, "Authorization");
        // The write key as Basic user name works on ingestion routes (Segment convention).
        var basic = _engine.Client(null);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(DataApiTests.Write + ":")));
        Assert.Equal(HttpStatusCode.OK, (await basic.PostAsync("/v1/track", new StringContent("""{"userId":"ops-1","event":"Signed In","messageId":"ops-m1"}"""))).StatusCode);
    }

    [Fact]
    public async Task Oversized_bodies_unknown_routes_and_layer_failures_are_problems()
    {
        var big = new string('x', 70_000);
        var oversized = await _engine.Client(DataApiTests.Write).PostAsync("/api/v1/events", new StringContent($"[\"{big}\"]"));
        Assert.True(oversized.Headers.ConnectionClose); // the unread body ends the connection: clients must not reuse it
        await Problem(oversized, HttpStatusCode.RequestEntityTooLarge, "body");
        await Problem(await _engine.Client().GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "path");

        var mailbox = await _engine.Client().GetAsync("/test/mailbox-full");
        await Problem(mailbox, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(1), mailbox.Headers.RetryAfter?.Delta);
        var runtime = await _engine.Client().GetAsync("/test/runtime-full");
        await Problem(runtime, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(runtime.Headers.RetryAfter);
        // A store error that reached the gateway inside Orleans' wrapper is still a 503, not a 500.
        var wrapped = await _engine.Client().GetAsync("/test/wrapped-storage");
        await Problem(wrapped, HttpStatusCode.ServiceUnavailable);
        var storage = await _engine.Client().GetAsync("/test/storage-down");
        await Problem(storage, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(storage.Headers.RetryAfter);
        // The store's own stale-write error (two activations racing to create one customer's data key) is a retryable 503.
        var stale = await _engine.Client().GetAsync("/test/stale-store-write");
        await Problem(stale, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(stale.Headers.RetryAfter);
        var bug = await _engine.Client().GetAsync("/test/bug");
        await Problem(bug, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("secret internals", await bug.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_openapi_docs_and_stats()
    {
        var ingested = await _engine.Client(DataApiTests.Write).PostAsync("/api/v1/events?wait=applied", new StringContent($$"""[{"eventId":"ops-e1","identifiers":{"user_id":"ops-2"},"channel":"web","type":"page_view","timestamp":"{{DateTimeOffset.UtcNow:O}}"}]"""));
        Assert.True(ingested.IsSuccessStatusCode, $"{(int)ingested.StatusCode}: {await ingested.Content.ReadAsStringAsync()}");
        await Problem(await _engine.Client(DataApiTests.Write).GetAsync("/metrics"), HttpStatusCode.Forbidden);
        var metrics = await _engine.Client().GetStringAsync("/metrics");
        Assert.Contains("pe_events", metrics, StringComparison.Ordinal);
        Assert.Contains("_bucket{", metrics, StringComparison.Ordinal);
        Assert.Contains("pe_customer_activations", metrics, StringComparison.Ordinal); // customers in memory on this silo
        Assert.Contains("orleans_", metrics, StringComparison.Ordinal); // Orleans' own meters (catalog, messaging, storage)

        var openapi = JsonDocument.Parse(await _engine.Client(null).GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = openapi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/events", paths);
        Assert.Contains("/v1/batch", paths);
        Assert.Contains("/api/v1/customers/{ref}/profile", paths);
        var docs = await _engine.Client(null).GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("swagger", await docs.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // The figures are sampled once a second: the sample after the event shows it.
        JsonElement stats = default;
        for (var i = 0; i < 40; i++)
        {
            stats = JsonDocument.Parse(await _engine.Client().GetStringAsync("/api/v1/stats")).RootElement;
            if (stats.GetProperty("eventsTotal").GetInt64() >= 1 && stats.GetProperty("activeGrains").GetInt32() >= 1) break;
            await Task.Delay(100);
        }
        Assert.True(stats.GetProperty("eventsTotal").GetInt64() >= 1);
        Assert.True(stats.GetProperty("activeGrains").GetInt32() >= 1);
    }
}

public sealed class RateLimitTests : IClassFixture<RateLimitTests.TightEngine>
{
    public sealed class TightEngine() : SqliteEngineFactory(new Dictionary<string, string>
    {
        ["RateLimits:PermitsPerSecond"] = "1",
        ["RateLimits:Burst"] = "3",
    });

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_and_health_is_exempt()
    {
        using var engine = new TightEngine();
        var c = engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DataApiTests.Admin);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/health/live")).StatusCode); // warm up outside the bucket
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            var r = await c.GetAsync("/api/v1/keys");
            statuses.Add(r.StatusCode);
            if (r.StatusCode == HttpStatusCode.TooManyRequests) limited = r;
        }
        // A burst of 3, then 1 permit per second: on a slow machine a second may pass during the six calls.
        var ok = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.InRange(ok, 3, 3 + (int)clock.Elapsed.TotalSeconds);
        Assert.Equal(6 - ok, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.NotNull(limited);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(limited.Headers.RetryAfter);
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/health/live")).StatusCode);
    }
}

public sealed class IngestAdmissionTests
{
    private sealed class OneAtATimeEngine() : SqliteEngineFactory(
        new Dictionary<string, string> { ["Limits:IngestConcurrency"] = "1", ["Limits:IngestQueue"] = "0" },
        // The held request sends no more body on purpose: Kestrel must not drop it for being slow on a busy machine.
        builder => builder.ConfigureKestrel(k => k.Limits.MinRequestBodyDataRate = null));

    [Fact]
    public async Task Batches_beyond_the_ingest_concurrency_get_503_with_retry_after_before_anything_is_stored()
    {
        using var engine = new OneAtATimeEngine();
        engine.UseKestrel(0); // a real socket: the held body must stream to the server while the test goes on
        engine.StartServer();
        var c = engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DataApiTests.Admin);
        // A raw socket sends the headers and one chunk of an NDJSON stream, then holds the request open: it keeps
        // the only ingestion permit until the test finishes the body.
        var line = """{"eventId":"held-1","identifiers":{"user_id":"held"},"channel":"app","type":"app_open","timestamp":"2026-11-24T10:00:00Z"}""" + "\n";
        async Task<System.Net.Sockets.TcpClient> HoldAsync()
        {
            var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(c.BaseAddress!.Host, c.BaseAddress.Port);
            await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /api/v1/events/stream HTTP/1.1\r\nHost: {c.BaseAddress.Authority}\r\nAuthorization: Bearer {DataApiTests.Admin}\r\n" +
                $"Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n{Encoding.UTF8.GetByteCount(line):X}\r\n{line}\r\n"));
            return socket;
        }
        var holder = await HoldAsync();
        var refused = new HttpResponseMessage(HttpStatusCode.OK);
        var batch = """[{"eventId":"late-1","identifiers":{"user_id":"late"},"channel":"web","type":"page_view","timestamp":"2026-11-24T10:00:00Z"}]""";
        var attempts = 0;
        do
        {
            await Task.Delay(50);
            if (holder.Available > 0) // the holder lost the race for the permit to a probe: hold again
            {
                holder.Dispose();
                holder = await HoldAsync();
                continue;
            }
            refused = await c.PostAsync("/api/v1/events", new StringContent(batch, Encoding.UTF8, "application/json"));
            if (refused.StatusCode != HttpStatusCode.OK) break;
        }
        while (++attempts < 100);
        using var held = holder;
        var wire = held.GetStream();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await c.PostAsync("/v1/batch", new StringContent("""{"batch":[{"type":"track","userId":"late","event":"x","messageId":"m1"}]}""", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/api/v1/stats")).StatusCode); // other routes are not limited
        if (attempts == 0) Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("/api/v1/customers/user_id:late/profile")).StatusCode); // nothing of a refused batch is stored

        await wire.WriteAsync("0\r\n\r\n"u8.ToArray()); // end of the held body
        var answer = new byte[4096];
        var n = await wire.ReadAsync(answer);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(answer, 0, n), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/api/v1/events", new StringContent(batch, Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/api/v1/customers/user_id:held/profile")).StatusCode);
    }
}

/// <summary>The gen0 budget <c>GET /api/v1/cluster</c> reports: read as the runtime reads it (environment only, hexadecimal).</summary>
public sealed class NodeRuntimeViewTests
{
    [Theory]
    [InlineData("0x2000000", 33554432L)]  // hexadecimal, with 0x
    [InlineData("4000000", 67108864L)]     // hexadecimal without 0x
    [InlineData(" 0X4000000 ", 67108864L)]
    [InlineData("0", null)]                // 0: the runtime's own choice
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("lots", null)]             // not a number: the runtime ignores it too
    public void Gen0_budget_is_read_from_the_environment_as_hexadecimal(string? environment, long? expected) =>
        Assert.Equal(expected, PersonalizationEngine.Gateway.Apis.NodeRuntimeView.Gen0Budget(environment));
}
