using System.Net;
using System.Text;
using System.Text.Json;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>
/// The routes the other classes do not walk through: full CRUD of every catalogue (offers, segments, contact
/// policies, triggers), every Segment call type, unmerge over HTTP and the built-in segments (the demo config script is
/// exercised by the browser test, which loads the demo store).
/// </summary>
public sealed class RouteCoverageTests(DataApiTests.Engine engine) : IClassFixture<DataApiTests.Engine>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Body(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static async Task Problem(HttpResponseMessage r, HttpStatusCode status, string field)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await Body(r)).GetProperty("field").GetString());
    }

    public static TheoryData<string, string, string, string, string, string> Catalogues => new()
    {
        { "/api/v1/offers", "offerId", "crud-offer", """{"offerId":"crud-offer","name":"First","value":5}""", """{"offerId":"crud-offer","name":"Second","value":7}""", "Second" },
        { "/api/v1/segments", "id", "crud_segment", """{"id":"crud_segment","name":"First","condition":{"feature":"orders_total","op":">=","value":1}}""", """{"id":"crud_segment","name":"Second","condition":{"feature":"orders_total","op":">=","value":2}}""", "Second" },
        { "/api/v1/contact-policies", "policyId", "crud-policy", """{"policyId":"crud-policy","channel":"email","maxContacts":1,"windowDays":7}""", """{"policyId":"crud-policy","channel":"sms","maxContacts":2,"windowDays":7}""", "sms" },
        { "/api/v1/triggers", "id", "crud-trigger", """{"id":"crud-trigger","name":"First","on":{"kind":"segment_entered","segment":"big_spenders"},"webhook":{"url":"https://hooks.example/a","secret":"0123456789abcdef0123"}}""", """{"id":"crud-trigger","name":"Second","on":{"kind":"segment_entered","segment":"big_spenders"},"webhook":{"url":"https://hooks.example/b","secret":"0123456789abcdef0123"}}""", "hooks.example/b" },
    };

    [Theory]
    [MemberData(nameof(Catalogues))]
    public async Task Catalogue_routes_create_read_replace_and_delete_with_problems_naming_the_field(string route, string idField, string id, string first, string second, string changed)
    {
        var admin = engine.Client();
        Assert.Equal(HttpStatusCode.Forbidden, (await engine.Client(DataApiTests.Write).PostAsync(route, Json(first))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await engine.Client(null).GetAsync(route)).StatusCode);

        var created = await admin.PostAsync(route, Json(first));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.EndsWith($"{route}/{id}", created.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(route, Json(first))).StatusCode);
        Assert.Contains((await Body(await admin.GetAsync(route))).EnumerateArray(), e => e.GetProperty(idField).GetString() == id);
        Assert.Equal(id, (await Body(await admin.GetAsync($"{route}/{id}"))).GetProperty(idField).GetString());

        var replaced = await admin.PutAsync($"{route}/{id}", Json(second));
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var read = await admin.GetStringAsync($"{route}/{id}");
        Assert.Contains(changed, read, StringComparison.Ordinal);                              // the replacement is what is stored
        Assert.DoesNotContain(changed, await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Problem(await admin.PutAsync($"{route}/other-id", Json(second)), HttpStatusCode.BadRequest, "id");
        await Problem(await admin.PostAsync(route, Json("{")), HttpStatusCode.BadRequest, "body");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{route}/{id}")).StatusCode);
        await Problem(await admin.GetAsync($"{route}/{id}"), HttpStatusCode.NotFound, "id");
        await Problem(await admin.DeleteAsync($"{route}/{id}"), HttpStatusCode.NotFound, "id");
    }

    [Fact]
    public async Task Every_segment_call_type_reaches_the_profile()
    {
        var c = engine.SegmentClient();
        var ts = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/v1/page", Json($$"""{"anonymousId":"seg-anon-1","name":"Home","messageId":"sp1","timestamp":"{{ts}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/v1/screen", Json($$"""{"anonymousId":"seg-anon-1","name":"Basket","messageId":"ss1","timestamp":"{{ts}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/v1/identify", Json($$"""{"userId":"seg-user-1","anonymousId":"seg-anon-1","traits":{"email":"Seg.User@Example.com","city":"Leeds"},"messageId":"si1","timestamp":"{{ts}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/v1/group", Json($$"""{"userId":"seg-user-1","groupId":"acme","traits":{"plan":"gold"},"messageId":"sg1","timestamp":"{{ts}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/v1/alias", Json($$"""{"userId":"seg-user-1","previousId":"seg-old-1","messageId":"sa1","timestamp":"{{ts}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsync("/v1/track", Json($$"""{"userId":"seg-user-1","event":"Order Completed","properties":{"revenue":12.5,"currency":"GBP"},"messageId":"st1","timestamp":"{{ts}}"}"""))).StatusCode);

        var response = await engine.Client().GetAsync("/api/v1/customers/email:seg.user@example.com/profile");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var profile = await Body(response);
        Assert.Equal(6, profile.GetProperty("eventCount").GetInt64());
        foreach (var reference in new[] { "anonymous_id:seg-anon-1", "user_id:seg-user-1", "anonymous_id:seg-old-1" }) // alias: previousId is linked as an anonymous id
        {
            var r = await engine.Client().GetAsync($"/api/v1/customers/{reference}/profile");
            Assert.True(r.IsSuccessStatusCode, reference + ": " + await r.Content.ReadAsStringAsync());
            var other = await Body(r);
            Assert.Equal(profile.GetProperty("profileId").GetString(), other.GetProperty("profileId").GetString());
        }
        await Problem(await c.PostAsync("/v1/track", Json("""{"userId":"x","messageId":"st2"}""")), HttpStatusCode.BadRequest, "event");
    }

    [Fact]
    public async Task Unmerge_over_http_moves_an_identifier_and_its_events_to_a_new_profile()
    {
        var write = engine.Client(DataApiTests.Write);
        var ts = DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O");
        var events = $$"""
        [{"eventId":"um1","identifiers":{"user_id":"um-alice","device_id":"um-shared-tablet"},"channel":"app","type":"app_open","timestamp":"{{ts}}"},
         {"eventId":"um2","identifiers":{"user_id":"um-alice"},"channel":"web","type":"page_view","timestamp":"{{ts}}"}]
        """;
        Assert.Equal(HttpStatusCode.OK, (await write.PostAsync("/api/v1/events", Json(events))).StatusCode);
        var admin = engine.Client();
        Assert.Equal(HttpStatusCode.Forbidden, (await write.PostAsync("/api/v1/customers/user_id:um-alice/unmerge", Json("""{"identifiers":["device_id:um-shared-tablet"]}"""))).StatusCode);
        await Problem(await admin.PostAsync("/api/v1/customers/user_id:um-alice/unmerge", Json("""{"identifiers":[]}""")), HttpStatusCode.BadRequest, "identifiers");
        await Problem(await admin.PostAsync("/api/v1/customers/user_id:um-alice/unmerge", Json("""{"identifiers":["nonsense"]}""")), HttpStatusCode.BadRequest, "identifiers[0]");
        await Problem(await admin.PostAsync("/api/v1/customers/user_id:um-nobody/unmerge", Json("""{"identifiers":["device_id:um-shared-tablet"]}""")), HttpStatusCode.NotFound, "ref");

        var split = await Body(await admin.PostAsync("/api/v1/customers/user_id:um-alice/unmerge", Json("""{"identifiers":["device_id:um-shared-tablet"]}""")));
        var newId = split.GetProperty("newProfileId").GetString();
        Assert.NotEqual(split.GetProperty("profileId").GetString(), newId);
        var tablet = await Body(await admin.GetAsync("/api/v1/customers/device_id:um-shared-tablet/profile"));
        Assert.Equal(newId, tablet.GetProperty("profileId").GetString());
        Assert.Equal(1, tablet.GetProperty("eventCount").GetInt64());
        Assert.Equal(1, (await Body(await admin.GetAsync("/api/v1/customers/user_id:um-alice/profile"))).GetProperty("eventCount").GetInt64());
    }

    [Fact]
    public async Task Built_in_segments_need_a_query_key()
    {
        var builtIn = await engine.Client().GetAsync("/api/v1/segments/builtin");
        Assert.Equal(HttpStatusCode.OK, builtIn.StatusCode);
        Assert.True((await Body(builtIn)).GetArrayLength() >= 5);
        Assert.Equal(HttpStatusCode.Unauthorized, (await engine.Client(null).GetAsync("/api/v1/segments/builtin")).StatusCode);

    }
}
