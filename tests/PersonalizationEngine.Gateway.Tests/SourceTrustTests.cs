using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>
/// Issue 20: a public (browser) write key must not read or take over someone else's profile. The two attacks of
/// the issue, then what a browser source may still do with proof (a user hash or an engine-issued token).
/// </summary>
public sealed class SourceTrustTests : IClassFixture<SourceTrustTests.Engine>
{
    public const string StoreKey = "trust-store-write-key-0123456789";
    public const string StoreSecret = "trust-store-verification-secret-0123456789";
    public const string ServerKey = "trust-backend-write-key-0123456789";
    public const string ShopOrigin = "https://shop.example";

    /// <summary>The engine with the demo catalogue, a browser write key (the store's) and a server write key.</summary>
    public sealed class Engine() : SqliteEngineFactory(new Dictionary<string, string>
    {
        ["Demo:Enabled"] = "true",
        ["Decisioning:ControlShare"] = "0",
        ["Auth:WriteKeys:store:Key"] = StoreKey,
        ["Auth:WriteKeys:store:Trust"] = "browser",
        ["Auth:WriteKeys:store:VerificationSecret"] = StoreSecret,
        ["Auth:WriteKeys:store:AllowedOrigins:0"] = ShopOrigin,
        ["Auth:WriteKeys:backend:Key"] = ServerKey,
        ["Auth:WriteKeys:backend:Trust"] = "server",
    }, b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock)))
    {
        /// <summary>The engine's clock: starts now, moved only by tests (token expiry without sleeping).</summary>
        public static readonly FakeTimeProvider Clock = new(DateTimeOffset.UtcNow);
    }

    private readonly Engine _engine;

    public SourceTrustTests(Engine engine) => _engine = engine;

    private HttpClient Segment(string key)
    {
        var c = _engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":")));
        return c;
    }

    private HttpClient Admin()
    {
        var c = _engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DataApiTests.Admin);
        return c;
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> Body(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();

    internal static string UserHash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    /// <summary>A customer the site's backend knows well: identified, two purchases (so "Welcome back" and premium are eligible).</summary>
    private async Task SeedBuyerAsync(string userId)
    {
        var batch = $$$"""
        {"batch":[
          {"type":"identify","userId":"{{{userId}}}","traits":{"firstName":"Vic"}},
          {"type":"track","userId":"{{{userId}}}","event":"Order Completed","properties":{"order_id":"{{{userId}}}-o1","revenue":50,"currency":"GBP"}},
          {"type":"track","userId":"{{{userId}}}","event":"Order Completed","properties":{"order_id":"{{{userId}}}-o2","revenue":70,"currency":"GBP"}}
        ]}
        """;
        var r = await Segment(ServerKey).PostAsync("/v1/batch", Json(batch));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    private async Task<string[]> OfferIdsAsync(HttpClient client, string query, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/t/v1/offers?placement=home&limit=5&" + query);
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        var r = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await Body(r)).GetProperty("offers").EnumerateArray().Select(o => o.GetProperty("offerId").GetString()!).Order().ToArray();
    }

    private async Task<string?> ProfileIdAsync(string reference)
    {
        var r = await Admin().GetAsync($"/api/v1/customers/{Uri.EscapeDataString(reference)}/profile");
        return r.StatusCode == HttpStatusCode.OK ? (await Body(r)).GetProperty("profileId").GetString() : null;
    }

    [Fact]
    public async Task Attack_1_probing_another_user_id_through_the_public_route_answers_as_for_an_anonymous_visitor()
    {
        await SeedBuyerAsync("victim-7");
        // The data is there: the site's backend (server key) gets the returning-customer offers for this user.
        var server = await OfferIdsAsync(Segment(ServerKey), "userId=victim-7");
        Assert.Contains("welcome-back", server);

        var store = Segment(StoreKey);
        var probed = await OfferIdsAsync(store, "userId=victim-7");
        var unknown = await OfferIdsAsync(store, "userId=nobody-at-all-123");
        var anonymous = await OfferIdsAsync(store, "anonymousId=" + Guid.NewGuid());
        var withCookie = await OfferIdsAsync(store, "userId=victim-7&anonymousId=" + Guid.NewGuid());
        Assert.DoesNotContain("welcome-back", probed);
        Assert.Equal(anonymous, probed);
        Assert.Equal(anonymous, unknown);
        Assert.Equal(anonymous, withCookie);

        // A made-up hash is no proof either.
        var forged = await OfferIdsAsync(store, "userId=victim-7", ("X-PE-User-Hash", new string('a', 64)));
        Assert.Equal(anonymous, forged);
    }

    [Fact]
    public async Task Attack_2_a_spoofed_identify_from_a_browser_key_does_not_merge_and_is_reported()
    {
        await SeedBuyerAsync("victim-8");
        var victim = await ProfileIdAsync("user_id:victim-8");
        Assert.NotNull(victim);
        var victimEvents = (await Body(await Admin().GetAsync("/api/v1/customers/user_id:victim-8/profile"))).GetProperty("eventCount").GetInt32();

        var store = Segment(StoreKey);
        var r = await store.PostAsync("/v1/identify", Json("""{"anonymousId":"attacker-cookie","userId":"victim-8","traits":{"email":"victim8@example.com"}}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var item = (await Body(r)).GetProperty("results")[0];
        Assert.Equal("accepted", item.GetProperty("status").GetString());
        var dropped = item.GetProperty("droppedIdentifiers").EnumerateArray().ToDictionary(d => d.GetProperty("type").GetString()!, d => d.GetProperty("reason").GetString()!);
        Assert.Contains("user_id", dropped.Keys);
        Assert.Contains("email", dropped.Keys);
        Assert.Contains("unverified", dropped["user_id"]);
        Assert.DoesNotContain("victim", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal); // no identifier echoed

        // No merge: the attacker's cookie has its own profile, the victim's is untouched.
        var attacker = await ProfileIdAsync("anonymous_id:attacker-cookie");
        Assert.NotNull(attacker);
        Assert.NotEqual(victim, attacker);
        Assert.Equal(victim, await ProfileIdAsync("user_id:victim-8"));
        Assert.Null(await ProfileIdAsync("email:victim8@example.com"));
        var after = (await Body(await Admin().GetAsync("/api/v1/customers/user_id:victim-8/profile"))).GetProperty("eventCount").GetInt32();
        Assert.Equal(victimEvents, after);

        // Events the attacker sends afterwards land in the attacker's profile, and the cookie gets no personal offers.
        var track = await store.PostAsync("/v1/track?wait=applied", Json("""{"anonymousId":"attacker-cookie","userId":"victim-8","event":"Product Viewed","properties":{"category":"shoes"}}"""));
        Assert.Equal(HttpStatusCode.OK, track.StatusCode);
        Assert.Equal(attacker, (await Body(track)).GetProperty("results")[0].GetProperty("profileId").GetString());
        Assert.Equal(victimEvents, (await Body(await Admin().GetAsync("/api/v1/customers/user_id:victim-8/profile"))).GetProperty("eventCount").GetInt32());
        Assert.DoesNotContain("welcome-back", await OfferIdsAsync(store, "anonymousId=attacker-cookie"));

        // Only a person identifier and nothing else: nothing usable remains, so nothing is stored.
        var only = await store.PostAsync("/v1/track", Json("""{"userId":"victim-8","event":"Product Viewed"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, only.StatusCode);
        Assert.Equal(victimEvents, (await Body(await Admin().GetAsync("/api/v1/customers/user_id:victim-8/profile"))).GetProperty("eventCount").GetInt32());
    }

    [Fact]
    public async Task Server_write_keys_keep_full_identity_resolution()
    {
        var server = Segment(ServerKey);
        var r = await server.PostAsync("/v1/identify", Json("""{"anonymousId":"server-anon-1","userId":"server-user-1","traits":{"email":"server1@example.com"}}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var item = (await Body(r)).GetProperty("results")[0];
        Assert.False(item.TryGetProperty("droppedIdentifiers", out var d) && d.ValueKind == JsonValueKind.Array);
        var id = await ProfileIdAsync("user_id:server-user-1");
        Assert.NotNull(id);
        Assert.Equal(id, await ProfileIdAsync("anonymous_id:server-anon-1"));
        Assert.Equal(id, await ProfileIdAsync("email:server1@example.com"));
    }

    [Fact]
    public async Task A_valid_user_hash_links_the_visitor_and_personalises_a_tampered_one_is_refused()
    {
        await SeedBuyerAsync("shopper-1");
        var store = Segment(StoreKey);
        var hash = UserHash(StoreSecret, "shopper-1");

        var ok = await store.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"shopper-cookie","userId":"shopper-1","context":{"userHash":"{{{hash}}}"}}"""));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False((await Body(ok)).GetProperty("results")[0].TryGetProperty("droppedIdentifiers", out var none) && none.ValueKind == JsonValueKind.Array);
        Assert.Equal(await ProfileIdAsync("user_id:shopper-1"), await ProfileIdAsync("anonymous_id:shopper-cookie"));

        // The public route personalises by the verified user id (header), and by the linked cookie.
        Assert.Contains("welcome-back", await OfferIdsAsync(store, "userId=shopper-1", ("X-PE-User-Hash", hash)));
        Assert.Contains("welcome-back", await OfferIdsAsync(store, "anonymousId=shopper-cookie"));

        // One character changed: refused, reported, no merge.
        var tampered = (hash[0] == 'a' ? "b" : "a") + hash[1..];
        var bad = await store.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"tamper-cookie","userId":"shopper-1","context":{"userHash":"{{{tampered}}}"}}"""));
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        var dropped = (await Body(bad)).GetProperty("results")[0].GetProperty("droppedIdentifiers")[0];
        Assert.Equal("user_id", dropped.GetProperty("type").GetString());
        Assert.Contains("invalid user hash", dropped.GetProperty("reason").GetString());
        Assert.NotEqual(await ProfileIdAsync("user_id:shopper-1"), await ProfileIdAsync("anonymous_id:tamper-cookie"));
        Assert.DoesNotContain("welcome-back", await OfferIdsAsync(store, "userId=shopper-1", ("X-PE-User-Hash", tampered)));

        // A hash made for another user proves nothing about this one.
        Assert.DoesNotContain("welcome-back", await OfferIdsAsync(store, "userId=shopper-1", ("X-PE-User-Hash", UserHash(StoreSecret, "someone-else"))));
    }

    [Fact]
    public async Task An_engine_issued_token_works_until_it_expires_and_a_tampered_one_is_refused()
    {
        await SeedBuyerAsync("token-user-1");
        var backend = Segment(ServerKey);
        var issued = await backend.PostAsync("/api/v1/identity-tokens", Json("""{"identifiers":{"user_id":"token-user-1","email":"Token.User@Example.com"},"ttlSeconds":120}"""));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var body = await Body(issued);
        var token = body.GetProperty("token").GetString()!;
        Assert.DoesNotContain("token-user-1", token); // the token names identifiers only by keyed digests
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > Engine.Clock.GetUtcNow());

        var store = Segment(StoreKey);
        var ok = await store.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"token-cookie-1","userId":"token-user-1","traits":{"email":"token.user@example.com"},"context":{"identityToken":"{{{token}}}"}}"""));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.False((await Body(ok)).GetProperty("results")[0].TryGetProperty("droppedIdentifiers", out var none) && none.ValueKind == JsonValueKind.Array);
        var profile = await ProfileIdAsync("user_id:token-user-1");
        Assert.Equal(profile, await ProfileIdAsync("anonymous_id:token-cookie-1"));
        Assert.Equal(profile, await ProfileIdAsync("email:token.user@example.com"));
        Assert.Contains("welcome-back", await OfferIdsAsync(store, "userId=token-user-1", ("X-PE-Identity-Token", token)));

        // The token covers only the identifiers it was issued for.
        var other = await store.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"token-cookie-2","userId":"victim-of-token","context":{"identityToken":"{{{token}}}"}}"""));
        Assert.Contains("not cover", (await Body(other)).GetProperty("results")[0].GetProperty("droppedIdentifiers")[0].GetProperty("reason").GetString());

        // Tampered: refused.
        var parts = token.Split('.');
        var tampered = parts[0] + "." + parts[1][..^2] + (parts[1][^2] == 'A' ? "B" : "A") + parts[1][^1] + "." + parts[2];
        var bad = await store.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"token-cookie-3","userId":"token-user-1","context":{"identityToken":"{{{tampered}}}"}}"""));
        Assert.Contains("invalid identity token", (await Body(bad)).GetProperty("results")[0].GetProperty("droppedIdentifiers")[0].GetProperty("reason").GetString());
        Assert.NotEqual(profile, await ProfileIdAsync("anonymous_id:token-cookie-3"));

        // Expired (the engine's clock moves on; nobody sleeps): refused, and the public route answers as for anyone.
        Engine.Clock.Advance(TimeSpan.FromSeconds(121));
        var expired = await store.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"token-cookie-4","userId":"token-user-1","context":{"identityToken":"{{{token}}}"}}"""));
        Assert.Contains("expired", (await Body(expired)).GetProperty("results")[0].GetProperty("droppedIdentifiers")[0].GetProperty("reason").GetString());
        Assert.NotEqual(profile, await ProfileIdAsync("anonymous_id:token-cookie-4"));
        Assert.DoesNotContain("welcome-back", await OfferIdsAsync(store, "userId=token-user-1", ("X-PE-Identity-Token", token)));
    }

    [Fact]
    public async Task A_token_bound_to_another_source_is_refused_and_native_streams_are_filtered_too()
    {
        var admin = Admin();
        var other = await Body(await admin.PostAsync("/api/v1/keys", Json("""{"name":"other site","scopes":["ingest"],"trust":"browser"}""")));
        var issued = await Segment(ServerKey).PostAsync("/api/v1/identity-tokens", Json($$$"""{"identifiers":{"user_id":"bound-user"},"source":"{{{other.GetProperty("id").GetString()}}}"}"""));
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var token = (await Body(issued)).GetProperty("token").GetString()!;

        // Presented through the store's key: refused; through the key it was issued for: counted.
        var store = await Segment(StoreKey).PostAsync("/v1/identify", Json($$$"""{"anonymousId":"bound-cookie-1","userId":"bound-user","context":{"identityToken":"{{{token}}}"}}"""));
        Assert.Contains("another source", (await Body(store)).GetProperty("results")[0].GetProperty("droppedIdentifiers")[0].GetProperty("reason").GetString());
        var own = await Segment(other.GetProperty("key").GetString()!).PostAsync("/v1/identify", Json($$$"""{"anonymousId":"bound-cookie-2","userId":"bound-user","context":{"identityToken":"{{{token}}}"}}"""));
        Assert.False((await Body(own)).GetProperty("results")[0].TryGetProperty("droppedIdentifiers", out var none) && none.ValueKind == JsonValueKind.Array);
        Assert.Equal(await ProfileIdAsync("user_id:bound-user"), await ProfileIdAsync("anonymous_id:bound-cookie-2"));

        // NDJSON from a browser key: the unproven e-mail is dropped and reported, the event kept on the cookie.
        var c = _engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", StoreKey);
        var line = $$$"""{"eventId":"stream-b-1","identifiers":{"anonymous_id":"stream-cookie","email":"stream-victim@example.com"},"channel":"web","type":"page_view","timestamp":"{{{DateTimeOffset.UtcNow.AddMinutes(-1):O}}}"}""";
        var r = await c.PostAsync("/api/v1/events/stream", new StringContent(line + "\n", Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var result = (await Body(r)).GetProperty("results")[0];
        Assert.Equal("accepted", result.GetProperty("status").GetString());
        Assert.Equal("email", result.GetProperty("droppedIdentifiers")[0].GetProperty("type").GetString());
        Assert.NotNull(await ProfileIdAsync("anonymous_id:stream-cookie"));
        Assert.Null(await ProfileIdAsync("email:stream-victim@example.com"));
    }

    [Fact]
    public async Task Only_server_sources_may_issue_identity_tokens_and_bad_requests_name_the_field()
    {
        var browser = await Segment(StoreKey).PostAsync("/api/v1/identity-tokens", Json("""{"identifiers":{"user_id":"x-1"}}"""));
        Assert.Equal(HttpStatusCode.Forbidden, browser.StatusCode);
        Assert.Equal("application/problem+json", browser.Content.Headers.ContentType?.MediaType);

        var backend = Segment(ServerKey);
        var noIds = await backend.PostAsync("/api/v1/identity-tokens", Json("""{"identifiers":{}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, noIds.StatusCode);
        Assert.Equal("identifiers", (await Body(noIds)).GetProperty("field").GetString());
        var ttl = await backend.PostAsync("/api/v1/identity-tokens", Json("""{"identifiers":{"user_id":"x-1"},"ttlSeconds":999999}"""));
        Assert.Equal(HttpStatusCode.BadRequest, ttl.StatusCode);
        Assert.Equal("ttlSeconds", (await Body(ttl)).GetProperty("field").GetString());
    }

    [Fact]
    public async Task Keys_are_created_with_a_trust_level_and_a_browser_key_gets_a_verification_secret()
    {
        var admin = Admin();
        var created = await admin.PostAsync("/api/v1/keys", Json("""{"name":"shop tracker","scopes":["ingest"],"trust":"browser","allowedOrigins":["https://shop2.example"]}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await Body(created);
        Assert.Equal("browser", key.GetProperty("trust").GetString());
        var secret = key.GetProperty("verificationSecret").GetString()!;
        Assert.True(secret.Length >= 32);

        // The new browser key verifies hashes made with its own secret, and not with another source's.
        var c = Segment(key.GetProperty("key").GetString()!);
        var good = await c.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"k-cookie-1","userId":"k-user-1","context":{"userHash":"{{{UserHash(secret, "k-user-1")}}}"}}"""));
        Assert.False((await Body(good)).GetProperty("results")[0].TryGetProperty("droppedIdentifiers", out var none) && none.ValueKind == JsonValueKind.Array);
        var foreign = await c.PostAsync("/v1/identify", Json($$$"""{"anonymousId":"k-cookie-2","userId":"k-user-2","context":{"userHash":"{{{UserHash(StoreSecret, "k-user-2")}}}"}}"""));
        Assert.Equal("user_id", (await Body(foreign)).GetProperty("results")[0].GetProperty("droppedIdentifiers")[0].GetProperty("type").GetString());

        var list = await Body(await admin.GetAsync("/api/v1/keys"));
        var listed = list.EnumerateArray().First(k => k.GetProperty("id").GetString() == key.GetProperty("id").GetString());
        Assert.Equal("browser", listed.GetProperty("trust").GetString());
        Assert.False(listed.TryGetProperty("verificationSecret", out _));
        Assert.Equal("browser", list.EnumerateArray().First(k => k.GetProperty("id").GetString() == "bootstrap-write-store").GetProperty("trust").GetString());
        Assert.Equal("server", list.EnumerateArray().First(k => k.GetProperty("id").GetString() == "bootstrap-write-backend").GetProperty("trust").GetString());

        var server = await Body(await admin.PostAsync("/api/v1/keys", Json("""{"name":"backend","scopes":["ingest","query"]}""")));
        Assert.Equal("server", server.GetProperty("trust").GetString());
        Assert.False(server.TryGetProperty("verificationSecret", out _));

        var wide = await admin.PostAsync("/api/v1/keys", Json("""{"name":"x","scopes":["ingest","query"],"trust":"browser"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, wide.StatusCode);
        Assert.Equal("trust", (await Body(wide)).GetProperty("field").GetString());
        var unknown = await admin.PostAsync("/api/v1/keys", Json("""{"name":"x","scopes":["ingest"],"trust":"public"}"""));
        Assert.Equal("trust", (await Body(unknown)).GetProperty("field").GetString());
        var origin = await admin.PostAsync("/api/v1/keys", Json("""{"name":"x","scopes":["ingest"],"trust":"browser","allowedOrigins":["not an origin"]}"""));
        Assert.Equal("allowedOrigins[0]", (await Body(origin)).GetProperty("field").GetString());
    }
}
