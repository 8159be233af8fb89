using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>The data routes (ingestion, customers, catalogue) through the real pipeline with real keys and SQLite.</summary>
public sealed class DataApiTests : IClassFixture<DataApiTests.Engine>
{
    public const string Admin = "data-admin-key-0123456789abcdef";
    public const string Write = "data-write-key-website-0123456789";

    public sealed class Engine : WebApplicationFactory<Program>
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("pe-data-api-").FullName;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Auth:AdminKey", Admin);
            builder.UseSetting("Auth:WriteKeys:website", Write);
            builder.UseSetting("Auth:WriteKeys:website:Trust", "server");
            builder.UseSetting("Storage:Provider", "Sqlite");
            builder.UseSetting("Storage:Sqlite:Path", Path.Combine(_dir, "engine.db"));
            builder.UseSetting("Demo:Enabled", "false");
        }

        public HttpClient Client(string? bearer = Admin)
        {
            var c = CreateClient();
            if (bearer is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            return c;
        }

        public HttpClient SegmentClient()
        {
            var c = CreateClient();
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Write + ":")));
            return c;
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }
    }

    private readonly Engine _engine;

    public DataApiTests(Engine engine) => _engine = engine;

    private const string NoType = """{"eventId":"n3"}""";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Body(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static async Task AssertProblem(HttpResponseMessage r, HttpStatusCode status, string field)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var body = await Body(r);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(field, body.GetProperty("field").GetString());
    }

    private static string Ev(string id, string type, string ids, string channel = "web", string props = "{}") =>
        $$"""{"eventId":"{{id}}","identifiers":{{ids}},"channel":"{{channel}}","type":"{{type}}","timestamp":"{{DateTimeOffset.UtcNow.AddMinutes(-5):O}}","properties":{{props}}}""";

    [Fact]
    public async Task Native_batch_reports_each_item_and_stores_only_valid_ones()
    {
        var c = _engine.Client(Write);
        var r = await c.PostAsync("/api/v1/events", Json($"[{Ev("n1", "product_view", """{"email":"Gina@Example.com"}""", props: """{"category":"shoes","price":40}""")},{Ev("n2", "purchase", """{"email":"gina@example.com"}""", props: """{"amount":"x"}""")},{NoType}]"));
        Assert.Equal(HttpStatusCode.MultiStatus, r.StatusCode);
        var body = await Body(r);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        var results = body.GetProperty("results");
        Assert.Equal("accepted", results[0].GetProperty("status").GetString());
        Assert.Equal("rejected", results[2].GetProperty("status").GetString());
        Assert.Contains(results[2].GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "[2].type");

        var profile = await Body(await _engine.Client().GetAsync("/api/v1/customers/email:gina@example.com/profile"));
        Assert.Equal(1, profile.GetProperty("eventCount").GetInt64());
        Assert.Equal("g***@example.com", profile.GetProperty("identifiers").GetProperty("email")[0].GetString());

        // Same event again: a duplicate, not applied twice.
        var again = await Body(await c.PostAsync("/api/v1/events?wait=applied", Json($"[{Ev("n1", "product_view", """{"email":"gina@example.com"}""")}]")));
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task A_batch_with_nothing_valid_is_a_400_problem_naming_the_field()
    {
        var c = _engine.Client(Write);
        await AssertProblem(await c.PostAsync("/api/v1/events", Json("""[{"eventId":"x","identifiers":{"email":"not-an-email"},"channel":"web","type":"page_view","timestamp":"2026-11-24T10:00:00Z"}]""")), HttpStatusCode.BadRequest, "[0].identifiers.email");
        await AssertProblem(await c.PostAsync("/api/v1/events", Json("""[{"eventId": }""")), HttpStatusCode.BadRequest, "body");
        await AssertProblem(await c.PostAsync("/api/v1/events", Json("""{"batch": 1}""")), HttpStatusCode.BadRequest, "[0].eventId");
        await AssertProblem(await c.PostAsync("/api/v1/events", Json("[]")), HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Ndjson_stream_ingests_line_by_line()
    {
        var lines = string.Join('\n', Enumerable.Range(0, 50).Select(i => Ev($"s{i}", "page_view", """{"anonymous_id":"stream-visitor"}"""))) + "\nnot json\n";
        var r = await _engine.Client(Write).PostAsync("/api/v1/events/stream", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.MultiStatus, r.StatusCode);
        var body = await Body(r);
        Assert.Equal(50, body.GetProperty("accepted").GetInt32());
        Assert.Equal("[50]", body.GetProperty("results")[0].GetProperty("errors")[0].GetProperty("field").GetString());
        var profile = await Body(await _engine.Client().GetAsync("/api/v1/customers/anonymous_id:stream-visitor/profile"));
        Assert.Equal(50, profile.GetProperty("eventCount").GetInt64());
    }

    [Fact]
    public async Task Segment_batch_with_a_write_key_maps_calls_and_merges_on_identify()
    {
        var c = _engine.SegmentClient();
        var batch = """
        {"batch":[
          {"type":"page","anonymousId":"seg-anon-1","name":"Home","messageId":"sm1","timestamp":"2026-11-24T09:00:00Z","context":{"channel":"browser"}},
          {"type":"track","anonymousId":"seg-anon-1","event":"Product Viewed","properties":{"category":"hats","price":20},"messageId":"sm2","timestamp":"2026-11-24T09:01:00Z"},
          {"type":"identify","anonymousId":"seg-anon-1","userId":"seg-user-1","traits":{"email":"hank@example.com","firstName":"Hank","country":"GB"},"messageId":"sm3","timestamp":"2026-11-24T09:02:00Z"},
          {"type":"track","userId":"seg-user-1","event":"Order Completed","properties":{"revenue":55.5,"currency":"GBP","products":[{"product_id":"p1","price":55.5,"quantity":1,"category":"hats"}]},"messageId":"sm4","timestamp":"2026-11-24T09:03:00Z"}
        ],"writeKey":"ignored-in-body"}
        """;
        var r = await c.PostAsync("/v1/batch", new StringContent(batch, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.True((await Body(r)).GetProperty("success").GetBoolean());
        var profile = await Body(await _engine.Client().GetAsync("/api/v1/customers/user_id:seg-user-1/profile"));
        Assert.Equal(4, profile.GetProperty("eventCount").GetInt64());
        Assert.Equal("Hank", profile.GetProperty("attributes").GetProperty("first_name").GetProperty("value").GetString());
        Assert.Equal(55.5, profile.GetProperty("features").GetProperty("revenue_total").GetDouble(), 6);
        Assert.Equal(profile.GetProperty("profileId").GetString(), (await Body(await _engine.Client().GetAsync("/api/v1/customers/email:hank@example.com/profile"))).GetProperty("profileId").GetString());

        var single = await c.PostAsync("/v1/track", Json("""{"userId":"seg-user-1","event":"Custom Thing Happened","messageId":"sm5"}"""));
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        var custom = await Body(await _engine.Client().GetAsync("/api/v1/customers/user_id:seg-user-1/profile"));
        Assert.Equal(1, custom.GetProperty("customEventCounts").GetProperty("custom_thing_happened").GetInt32());

        await AssertProblem(await c.PostAsync("/v1/batch", Json("""{"batch":[{"type":"track","userId":"u"}]}""")), HttpStatusCode.BadRequest, "batch[0].event");
    }

    [Fact]
    public async Task Customer_routes_need_the_right_scope_and_answer_problems_for_unknown_customers()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _engine.Client(null).GetAsync("/api/v1/customers/user_id:1/profile")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _engine.Client(Write).GetAsync("/api/v1/customers/user_id:1/profile")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _engine.Client(Write).DeleteAsync("/api/v1/customers/user_id:1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _engine.Client(null).PostAsync("/v1/batch", Json("""{"batch":[]}"""))).StatusCode);
        await AssertProblem(await _engine.Client().GetAsync("/api/v1/customers/user_id:nobody-here/profile"), HttpStatusCode.NotFound, "ref");
        await AssertProblem(await _engine.Client().GetAsync("/api/v1/customers/email:not-an-email/profile"), HttpStatusCode.BadRequest, "ref");
    }

    [Fact]
    public async Task Consents_export_and_erasure()
    {
        var c = _engine.Client(Write);
        await c.PostAsync("/api/v1/events", Json($"[{Ev("g1", "purchase", """{"email":"ivy@example.com","user_id":"ivy-1"}""", props: """{"amount":12,"currency":"EUR"}""")}]"));
        var put = await c.PutAsync("/api/v1/customers/user_id:ivy-1/consents", Json("""{"consents":[{"purpose":"marketing","channel":"email","granted":false}]}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await AssertProblem(await c.PutAsync("/api/v1/customers/user_id:ivy-1/consents", Json("""{"consents":[{"purpose":"marketing","granted":"no"}]}""")), HttpStatusCode.BadRequest, "consents[0].granted");
        var profile = await Body(await _engine.Client().GetAsync("/api/v1/customers/user_id:ivy-1/profile"));
        Assert.False(profile.GetProperty("consents").GetProperty("marketing:email").GetProperty("granted").GetBoolean());

        var export = await _engine.Client().GetStringAsync("/api/v1/customers/user_id:ivy-1/export");
        Assert.Contains("ivy@example.com", export, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await _engine.Client().DeleteAsync("/api/v1/customers/email:ivy@example.com")).StatusCode);
        await AssertProblem(await _engine.Client().GetAsync("/api/v1/customers/user_id:ivy-1/profile"), HttpStatusCode.NotFound, "ref");
    }

    [Fact]
    public async Task Segments_and_triggers_are_managed_with_field_named_errors()
    {
        var admin = _engine.Client();
        var created = await admin.PostAsync("/api/v1/segments", Json("""{"id":"big_spenders","name":"Big spenders","condition":{"all":[{"feature":"revenue_total","op":">=","value":100}]}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/api/v1/segments", Json("""{"id":"big_spenders","name":"x","condition":{"all":[]}}"""))).StatusCode);
        var bad = await admin.PostAsync("/api/v1/segments", Json("""{"id":"Bad Id","name":"","condition":{"feature":"x","op":"~~","value":1}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await Body(bad)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("id", errors);
        Assert.Contains("name", errors);
        Assert.Contains(errors, f => f!.StartsWith("condition", StringComparison.Ordinal));

        await _engine.Client(Write).PostAsync("/api/v1/events", Json($"[{Ev("b1", "purchase", """{"user_id":"big-1"}""", props: """{"amount":150,"currency":"GBP"}""")}]"));
        var profile = await Body(await admin.GetAsync("/api/v1/customers/user_id:big-1/profile"));
        Assert.Contains("big_spenders", profile.GetProperty("segments").EnumerateArray().Select(s => s.GetString()));

        var trigger = await admin.PostAsync("/api/v1/triggers", Json("""{"id":"vip","name":"VIP entered","on":{"kind":"segment_entered","segment":"big_spenders"},"webhook":{"url":"https://hooks.example/vip","secret":"0123456789abcdef0123"}}"""));
        Assert.Equal(HttpStatusCode.Created, trigger.StatusCode);
        Assert.Equal("***", (await Body(trigger)).GetProperty("webhook").GetProperty("secret").GetString());
        await AssertProblem(await admin.PostAsync("/api/v1/triggers", Json("""{"id":"t2","name":"x","on":{"kind":"segment_entered"},"webhook":{"url":"ftp://x","secret":"short"}}""")), HttpStatusCode.BadRequest, "on.segment");
        Assert.Equal(HttpStatusCode.Forbidden, (await _engine.Client(Write).GetAsync("/api/v1/triggers")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/triggers/dead-letters")).StatusCode);
    }

    [Fact]
    public async Task Next_best_offer_for_customers_and_visitors_with_reasons_and_kpis()
    {
        var admin = _engine.Client();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/offers", Json("""{"offerId":"nbo-free-shipping","name":"Free shipping","value":5,"placements":["home"],"creative":{"title":"Free shipping today"}}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/offers", Json("""{"offerId":"nbo-vip","name":"VIP lounge","value":50,"eligibility":{"feature":"orders_total","op":">=","value":10}}"""))).StatusCode);
        await AssertProblem(await admin.PostAsync("/api/v1/offers", Json("""{"offerId":"x y","name":"","channels":["fax"]}""")), HttpStatusCode.BadRequest, "offerId");
        await AssertProblem(await admin.PostAsync("/api/v1/contact-policies", Json("""{"policyId":"p","channel":"email"}""")), HttpStatusCode.BadRequest, "maxContacts");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/contact-policies", Json("""{"policyId":"weekly-email","channel":"email","maxContacts":1,"windowDays":7}"""))).StatusCode);

        await _engine.Client(Write).PostAsync("/api/v1/events", Json($"[{Ev("nbo1", "page_view", """{"user_id":"nbo-user","anonymous_id":"nbo-anon"}""")}]"));
        var get = await admin.GetAsync("/api/v1/customers/user_id:nbo-user/next-best-offer?channel=web&placement=home&limit=3&explain=true");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var body = await Body(get);
        var decisionId = body.GetProperty("decisionId").GetString()!;
        Assert.StartsWith("dec_", decisionId, StringComparison.Ordinal);
        var offers = body.GetProperty("offers").EnumerateArray().ToList();
        Assert.Contains(offers, o => o.GetProperty("offerId").GetString() == "nbo-free-shipping" && o.GetProperty("reasons").GetArrayLength() > 0 && o.GetProperty("propensity").GetDouble() > 0);
        Assert.DoesNotContain(offers, o => o.GetProperty("offerId").GetString() == "nbo-vip");
        Assert.Contains(body.GetProperty("excluded").EnumerateArray(), e => e.GetProperty("offerId").GetString() == "nbo-vip" && e.GetProperty("stage").GetString() == "eligibility");
        Assert.True(body.GetProperty("trace").GetArrayLength() > 2);

        var post = await admin.PostAsync("/api/v1/customers/user_id:nbo-user/next-best-offer", Json("""{"channel":"web","placement":"home","limit":1,"contextWeights":{"nbo-free-shipping":2}}"""));
        Assert.Equal(2, (await Body(post)).GetProperty("offers")[0].GetProperty("contextWeight").GetDouble());
        await AssertProblem(await admin.GetAsync("/api/v1/customers/user_id:nbo-user/next-best-offer?channel=fax"), HttpStatusCode.BadRequest, "channel");
        await AssertProblem(await admin.GetAsync("/api/v1/customers/user_id:nbo-user/next-best-offer?limit=0"), HttpStatusCode.BadRequest, "limit");
        await AssertProblem(await admin.GetAsync("/api/v1/customers/user_id:ghost/next-best-offer"), HttpStatusCode.NotFound, "ref");

        // The website's public route with the write key: the known visitor, and a stranger (cold start).
        var site = _engine.CreateClient();
        var known = await Body(await site.GetAsync($"/t/v1/offers?anonymousId=nbo-anon&placement=home&writeKey={Write}"));
        Assert.Equal("Free shipping today", known.GetProperty("offers")[0].GetProperty("creative").GetProperty("title").GetString());
        Assert.False(known.TryGetProperty("profileId", out _));
        var stranger = await site.GetAsync($"/t/v1/offers?anonymousId=never-seen&placement=home&writeKey={Write}");
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await site.GetAsync("/t/v1/offers?anonymousId=x")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/customers/anonymous_id:never-seen/profile")).StatusCode); // asking creates nobody

        // Feedback through the Segment route reaches the offer's KPIs. The KPIs are global figures (not read-your-writes):
        // the post waits for the feedback to be applied, so the poll below only covers the KPIs' own refresh.
        var feedback = $$"""{"batch":[{"type":"track","userId":"nbo-user","event":"offer_impression","properties":{"decisionId":"{{decisionId}}","offerId":"nbo-free-shipping"},"messageId":"fb1"},{"type":"track","userId":"nbo-user","event":"offer_click","properties":{"decisionId":"{{decisionId}}","offerId":"nbo-free-shipping"},"messageId":"fb2"}]}""";
        Assert.Equal(HttpStatusCode.OK, (await _engine.SegmentClient().PostAsync("/v1/batch?wait=applied", Json(feedback))).StatusCode);
        JsonElement kpi = default;
        for (var i = 0; i < 50; i++)
        {
            kpi = await Body(await admin.GetAsync("/api/v1/offers/nbo-free-shipping/stats"));
            if (kpi.GetProperty("clicks").GetInt64() == 1) break;
            await Task.Delay(100);
        }
        Assert.Equal(1, kpi.GetProperty("impressions").GetInt64());
        Assert.Equal(1, kpi.GetProperty("clicks").GetInt64());
        Assert.Equal(1.0, kpi.GetProperty("ctr").GetDouble());
        // The only eligible offer is never an exploration: the estimates alone would lead with it too.
        Assert.Equal(0, kpi.GetProperty("explorationShare").GetDouble());
        Assert.Equal(0, kpi.GetProperty("ignored").GetInt64());
        // The figures are sampled once a second: wait for a sample taken after the decisions.
        var stats = await Body(await admin.GetAsync("/api/v1/stats"));
        for (var i = 0; i < 50 && stats.GetProperty("decisionsTotal").GetInt64() < 3; i++)
        {
            await Task.Delay(100);
            stats = await Body(await admin.GetAsync("/api/v1/stats"));
        }
        Assert.Contains(stats.GetProperty("offers").EnumerateArray(), o => o.GetProperty("offerId").GetString() == "nbo-free-shipping");
        Assert.True(stats.GetProperty("decisionsTotal").GetInt64() >= 3);
    }

    [Fact]
    public async Task Churn_risk_uses_the_shipped_model_and_a_bad_artefact_is_refused()
    {
        await _engine.Client(Write).PostAsync("/api/v1/events", Json($"[{Ev("ch1", "purchase", """{"user_id":"churny"}""", props: """{"amount":30,"currency":"GBP"}""")}]"));
        var r = await _engine.Client().GetAsync("/api/v1/customers/user_id:churny/churn-risk");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await Body(r);
        var p = body.GetProperty("probability").GetDouble();
        Assert.InRange(p, 0, 1);
        Assert.Contains(body.GetProperty("band").GetString(), new[] { "low", "medium", "high" });
        Assert.StartsWith("churn-", body.GetProperty("modelVersion").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("reasons").GetArrayLength() > 0);
        var model = await Body(await _engine.Client().GetAsync("/api/v1/models/churn"));
        Assert.Equal(body.GetProperty("modelVersion").GetString(), model.GetProperty("version").GetString());
        await AssertProblem(await _engine.Client().PutAsync("/api/v1/models/churn", Json("""{"kind":"LogisticRegression"}""")), HttpStatusCode.BadRequest, "body");
        Assert.Equal(HttpStatusCode.Forbidden, (await _engine.Client(Write).PutAsync("/api/v1/models/churn", Json("{}"))).StatusCode);
    }
}
