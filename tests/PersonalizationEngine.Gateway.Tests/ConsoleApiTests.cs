using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Issue 19: the console's read routes through the real pipeline (demo catalogue, no control group, a fake clock).</summary>
public sealed class ConsoleApiTests(ConsoleApiTests.Engine engine) : IClassFixture<ConsoleApiTests.Engine>
{
    public const string Write = "console-write-key-0123456789";

    public sealed class Engine() : SqliteEngineFactory(new Dictionary<string, string>
    {
        ["Demo:Enabled"] = "true",
        ["Decisioning:ControlShare"] = "0",
        ["Auth:WriteKeys:backend:Key"] = Write,
        ["Auth:WriteKeys:backend:Trust"] = "server",
    }, b => b.ConfigureServices(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow))))
    {
        public FakeTimeProvider Clock => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

        public HttpClient Client(string? bearer = DataApiTests.Admin)
        {
            var c = CreateClient();
            if (bearer is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return c;
        }

        /// <summary>A key with the given scopes, created through the API.</summary>
        public async Task<string> KeyAsync(params string[] scopes)
        {
            var r = await Client().PostAsync("/api/v1/keys", Json(JsonSerializer.Serialize(new { name = "console-" + string.Join("-", scopes), scopes })));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
            return (await Body(r)).GetProperty("key").GetString()!;
        }

        /// <summary>Events for one person, each at the given number of minutes before the engine's now.</summary>
        public async Task SendAsync(params (string Id, string Type, string Identifiers, string Channel, int MinutesAgo, string Properties)[] events)
        {
            var now = Clock.GetUtcNow();
            var body = "[" + string.Join(",", events.Select(e =>
                $$"""{"eventId":"{{e.Id}}","identifiers":{{e.Identifiers}},"channel":"{{e.Channel}}","type":"{{e.Type}}","timestamp":"{{now.AddMinutes(-e.MinutesAgo):O}}","properties":{{e.Properties}}}""")) + "]";
            var r = await Client(Write).PostAsync("/api/v1/events", Json(body));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        public async Task<string> ProfileIdAsync(string reference) =>
            (await Body(await Client().GetAsync($"/api/v1/customers/{Uri.EscapeDataString(reference)}/profile"))).GetProperty("profileId").GetString()!;
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    internal static async Task<JsonElement> Body(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();

    internal static async Task<JsonElement> Problem(HttpResponseMessage r, HttpStatusCode status, string field)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var body = await Body(r);
        Assert.Equal(field, body.GetProperty("field").GetString());
        return body;
    }

    [Fact]
    public async Task The_timeline_lists_the_customers_events_newest_first_a_page_at_a_time_without_identifier_values()
    {
        await engine.SendAsync(
            ("tl-1", "page_view", """{"email":"Tina@Example.com"}""", "web", 30, "{}"),
            ("tl-2", "product_view", """{"email":"tina@example.com"}""", "app", 20, """{"category":"shoes","price":89}"""),
            ("tl-3", "purchase", """{"email":"tina@example.com","user_id":"tina-1"}""", "store", 10, """{"amount":120,"currency":"GBP"}"""));
        var c = engine.Client(await engine.KeyAsync("query"));

        var page = await Body(await c.GetAsync("/api/v1/customers/email:tina@example.com/timeline?limit=2"));
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        var events = page.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["tl-3", "tl-2"], events.Select(e => e.GetProperty("eventId").GetString()));
        Assert.Equal("store", events[0].GetProperty("channel").GetString());
        Assert.Equal("120", events[0].GetProperty("properties").GetProperty("amount").GetString());
        Assert.Equal(["email", "user_id"], events[0].GetProperty("identifierTypes").EnumerateArray().Select(t => t.GetString()));
        var next = await Body(await c.GetAsync("/api/v1/customers/user_id:tina-1/timeline?offset=2&limit=2"));
        Assert.Equal(["tl-1"], next.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()));

        var raw = await (await c.GetAsync("/api/v1/customers/user_id:tina-1/timeline")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("tina@example.com", raw, StringComparison.OrdinalIgnoreCase);
        await Problem(await c.GetAsync("/api/v1/customers/user_id:tina-1/timeline?limit=0"), HttpStatusCode.BadRequest, "limit");
        await Problem(await c.GetAsync("/api/v1/customers/user_id:tina-1/timeline?offset=-1"), HttpStatusCode.BadRequest, "offset");
        await Problem(await c.GetAsync("/api/v1/customers/user_id:nobody-here/timeline"), HttpStatusCode.NotFound, "ref");
        Assert.Equal(HttpStatusCode.Forbidden, (await engine.Client(Write).GetAsync("/api/v1/customers/user_id:tina-1/timeline")).StatusCode);
    }

    [Fact]
    public async Task The_identity_graph_masks_identifiers_names_their_source_and_time_and_shows_a_merge()
    {
        await engine.SendAsync(("ig-1", "page_view", """{"anonymous_id":"ig-cookie-1"}""", "web", 50, "{}"));
        await engine.SendAsync(("ig-2", "login", """{"user_id":"ig-user","email":"ivy@example.com"}""", "app", 40, "{}"));
        var cookieProfile = await engine.ProfileIdAsync("anonymous_id:ig-cookie-1");
        // One event carries both: the two profiles merge.
        await engine.SendAsync(("ig-3", "product_view", """{"anonymous_id":"ig-cookie-1","user_id":"ig-user"}""", "web", 30, "{}"));
        var survivor = await engine.ProfileIdAsync("user_id:ig-user");
        Assert.Equal(survivor, await engine.ProfileIdAsync("anonymous_id:ig-cookie-1"));
        var absorbed = survivor == cookieProfile ? null : cookieProfile;

        var r = await engine.Client(await engine.KeyAsync("query")).GetAsync("/api/v1/customers/user_id:ig-user/identity-graph");
        var raw = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("ivy@example.com", raw, StringComparison.Ordinal);
        var graph = JsonDocument.Parse(raw).RootElement;
        var email = graph.GetProperty("identifiers").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "email");
        Assert.Equal("i***@example.com", email.GetProperty("value").GetString());
        Assert.Equal("app", email.GetProperty("source").GetString());
        Assert.Equal(engine.Clock.GetUtcNow().AddMinutes(-40), email.GetProperty("linkedAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        var cookie = graph.GetProperty("identifiers").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "anonymous_id");
        Assert.Equal("web", cookie.GetProperty("source").GetString());
        Assert.Equal(2, cookie.GetProperty("events").GetInt32());
        var merges = graph.GetProperty("changes").EnumerateArray().Where(c => c.GetProperty("kind").GetString() == "merged").ToList();
        Assert.Single(merges);
        if (absorbed is not null) Assert.Equal(absorbed, merges[0].GetProperty("profileId").GetString());
    }

    [Fact]
    public async Task Activity_shows_segments_with_entry_time_and_the_last_decisions_with_scores_and_outcomes()
    {
        await engine.SendAsync(("ac-1", "product_view", """{"user_id":"ac-user"}""", "web", 5, """{"category":"shoes","price":60}"""));
        var admin = engine.Client();
        var created = await admin.PostAsync("/api/v1/segments", Json("""{"id":"console_shoe_fans","name":"Shoe fans","condition":{"feature":"category_affinity.shoes","op":">","value":0}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var nbo = await Body(await admin.GetAsync("/api/v1/customers/user_id:ac-user/next-best-offer?placement=home&limit=2"));
        var decisionId = nbo.GetProperty("decisionId").GetString()!;
        var lead = nbo.GetProperty("offers")[0].GetProperty("offerId").GetString()!;
        await engine.SendAsync(("ac-2", "offer_impression", """{"user_id":"ac-user"}""", "web", 0, $$"""{"offerId":"{{lead}}","decisionId":"{{decisionId}}"}"""),
            ("ac-3", "offer_click", """{"user_id":"ac-user"}""", "web", 0, $$"""{"offerId":"{{lead}}","decisionId":"{{decisionId}}"}"""));

        var activity = await Body(await engine.Client(await engine.KeyAsync("query")).GetAsync("/api/v1/customers/user_id:ac-user/activity"));
        var segment = activity.GetProperty("segments").EnumerateArray().Single(s => s.GetProperty("segmentId").GetString() == "console_shoe_fans");
        Assert.Equal(engine.Clock.GetUtcNow(), segment.GetProperty("enteredAt").GetDateTimeOffset(), TimeSpan.FromSeconds(2));
        var decision = activity.GetProperty("decisions")[0];
        Assert.Equal(decisionId, decision.GetProperty("decisionId").GetString());
        Assert.Equal("web", decision.GetProperty("channel").GetString());
        Assert.Equal("home", decision.GetProperty("placement").GetString());
        var offer = decision.GetProperty("offers")[0];
        Assert.Equal(lead, offer.GetProperty("offerId").GetString());
        Assert.Equal(nbo.GetProperty("offers")[0].GetProperty("score").GetDouble(), offer.GetProperty("score").GetDouble(), 6);
        Assert.True(offer.GetProperty("value").GetDouble() > 0);
        Assert.Equal(["impression", "click"], offer.GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()));
        Assert.Empty(decision.GetProperty("offers")[1].GetProperty("outcomes").EnumerateArray());
    }

    [Fact]
    public async Task An_offer_experiment_reads_out_the_uplift_against_control_and_its_history()
    {
        var c = engine.Client(await engine.KeyAsync("query"));
        var x = await Body(await c.GetAsync("/api/v1/offers/free-shipping/experiment"));
        Assert.Equal("free-shipping", x.GetProperty("offerId").GetString());
        Assert.Equal("no-data", x.GetProperty("verdict").GetString()); // no control group in this engine
        Assert.True(x.GetProperty("kpi").TryGetProperty("ctrInterval", out _));
        Assert.Equal(60, x.GetProperty("intervalSeconds").GetDouble());
        Assert.Equal(JsonValueKind.Array, x.GetProperty("series").ValueKind);
        await Problem(await c.GetAsync("/api/v1/offers/no-such-offer/experiment"), HttpStatusCode.NotFound, "id");
    }

    [Fact]
    public async Task Segment_history_has_sizes_hourly_flows_and_a_sample_of_members()
    {
        var admin = engine.Client();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/segments", Json("""{"id":"console_campers","name":"Campers","condition":{"feature":"category_affinity.camping","op":">","value":0}}"""))).StatusCode);
        var sampler = engine.Services.GetRequiredService<PersonalizationEngine.Grains.Stats.ConsoleSampler>();
        sampler.Sample(); // the baseline, before anyone is in the segment
        await engine.SendAsync(("sg-1", "product_view", """{"user_id":"sg-user"}""", "web", 1, """{"category":"camping","price":20}"""));
        var member = await engine.ProfileIdAsync("user_id:sg-user");
        sampler.Sample();

        var h = await Body(await engine.Client(await engine.KeyAsync("query")).GetAsync("/api/v1/segments/console_campers/history"));
        Assert.Equal("Campers", h.GetProperty("name").GetString());
        Assert.True(h.GetProperty("members").GetInt64() >= 1);
        Assert.Contains(member, h.GetProperty("sampleProfileIds").EnumerateArray().Select(e => e.GetString()));
        var sizes = h.GetProperty("sizes").EnumerateArray().ToList();
        Assert.NotEmpty(sizes);
        Assert.True(sizes[^1].GetProperty("members").GetInt64() >= 1);
        Assert.True(h.GetProperty("perHour").EnumerateArray().Sum(p => p.GetProperty("entered").GetInt64()) >= 1);
        await Problem(await admin.GetAsync("/api/v1/segments/nope/history"), HttpStatusCode.NotFound, "id");
    }
}
