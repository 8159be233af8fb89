using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>
/// Issue 19: the customer's privacy page. A key with the query scope gets a short-lived token for one customer; the
/// token opens that customer's privacy routes only, for minutes: another customer's, an expired or a tampered token
/// are refused (401/403) and the refusal carries nothing of anyone's data. Expiry is tested on the engine's fake clock.
/// </summary>
public sealed class PrivacyTokenTests(ConsoleApiTests.Engine engine) : IClassFixture<ConsoleApiTests.Engine>
{
    private static StringContent Json(string json) => ConsoleApiTests.Json(json);

    private HttpClient WithToken(string token) => engine.Client(token);

    private async Task<(string ProfileId, string Token)> SeedAndIssueAsync(string user, string email, string? key = null)
    {
        await engine.SendAsync(
            ($"{user}-1", "profile_update", $$"""{"user_id":"{{user}}","email":"{{email}}"}""", "crm", 10, """{"first_name":"Pat","city":"Leeds"}"""),
            ($"{user}-2", "product_view", $$"""{"user_id":"{{user}}"}""", "web", 5, """{"category":"shoes","price":40}"""));
        var r = await engine.Client(key ?? DataApiTests.Admin).PostAsync($"/api/v1/customers/user_id:{user}/privacy-token", Json("""{"ttlSeconds":300}"""));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var issued = await ConsoleApiTests.Body(r);
        var profileId = issued.GetProperty("profileId").GetString()!;
        Assert.Equal(engine.Clock.GetUtcNow().AddSeconds(300), issued.GetProperty("expiresAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.StartsWith("/console/privacy.html#token=", issued.GetProperty("pageUrl").GetString(), StringComparison.Ordinal);
        return (profileId, issued.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task A_query_key_issues_a_token_that_opens_only_that_customers_privacy_routes()
    {
        var query = await engine.KeyAsync("query");
        var (pat, token) = await SeedAndIssueAsync("pv-pat", "pat@example.com", query);
        var (sam, _) = await SeedAndIssueAsync("pv-sam", "sam@example.com");

        var overview = await ConsoleApiTests.Body(await WithToken(token).GetAsync($"/api/v1/privacy/{pat}"));
        var categories = overview.GetProperty("categories").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(2, categories["Identifiers"].GetProperty("items").GetInt32());
        Assert.Contains("email: p***@example.com", categories["Identifiers"].GetProperty("examples").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["city", "first_name"], categories["Profile details"].GetProperty("examples").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("marketing", overview.GetProperty("purposes").EnumerateArray().Select(e => e.GetString()));

        // Another customer's data: 403, and nothing of theirs in the answer.
        foreach (var path in new[] { $"/api/v1/privacy/{sam}", $"/api/v1/privacy/{sam}/export" })
        {
            var refused = await WithToken(token).GetAsync(path);
            var body = await ConsoleApiTests.Problem(refused, HttpStatusCode.Forbidden, "profileId");
            Assert.DoesNotContain("sam", body.GetRawText().Replace(sam, "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }
        var put = await WithToken(token).PutAsync($"/api/v1/privacy/{sam}/consents", Json("""{"consents":[{"purpose":"marketing","granted":false}]}"""));
        await ConsoleApiTests.Problem(put, HttpStatusCode.Forbidden, "profileId");
        await ConsoleApiTests.Problem(await WithToken(token).DeleteAsync($"/api/v1/privacy/{sam}?confirm=true"), HttpStatusCode.Forbidden, "profileId");
        Assert.Equal(HttpStatusCode.OK, (await engine.Client().GetAsync($"/api/v1/customers/{sam}/profile")).StatusCode); // still there

        // The token is no API key, and no API key opens the privacy routes.
        await ConsoleApiTests.Problem(await WithToken(token).GetAsync($"/api/v1/customers/{pat}/profile"), HttpStatusCode.Unauthorized, "Authorization");
        await ConsoleApiTests.Problem(await engine.Client().GetAsync($"/api/v1/privacy/{pat}"), HttpStatusCode.Unauthorized, "Authorization");
        await ConsoleApiTests.Problem(await engine.Client(null).GetAsync($"/api/v1/privacy/{pat}"), HttpStatusCode.Unauthorized, "Authorization");
        // Only keys that may read profiles issue tokens.
        Assert.Equal(HttpStatusCode.Forbidden, (await engine.Client(ConsoleApiTests.Write).PostAsync("/api/v1/customers/user_id:pv-pat/privacy-token", Json("{}"))).StatusCode);
        await ConsoleApiTests.Problem(await engine.Client().PostAsync("/api/v1/customers/user_id:pv-pat/privacy-token", Json("""{"ttlSeconds":86400}""")), HttpStatusCode.BadRequest, "ttlSeconds");
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("payload")]
    [InlineData("truncated")]
    [InlineData("identity-token")]
    public async Task A_tampered_token_is_refused_with_401_and_no_data(string how)
    {
        var (pat, token) = await SeedAndIssueAsync("pv-tamper-" + how, $"tamper-{how}@example.com");
        var dot = token.LastIndexOf('.');
        var forged = how switch
        {
            "signature" => token[..(dot + 1)] + (token[dot + 1] == 'A' ? 'B' : 'A') + token[(dot + 2)..],
            // The same signature over a payload naming the profile with a later expiry.
            "payload" => "pct1." + Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { sub = pat, iat = 0, exp = 4102444800 }))).TrimEnd('=').Replace('+', '-').Replace('/', '_') + token[dot..],
            "truncated" => token[..dot],
            _ => "pet1." + token[5..], // dressed up as an identity token
        };
        var r = await WithToken(forged).GetAsync($"/api/v1/privacy/{pat}");
        var body = await ConsoleApiTests.Problem(r, HttpStatusCode.Unauthorized, "Authorization");
        Assert.DoesNotContain("example.com", body.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("Leeds", body.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithToken(forged).GetAsync($"/api/v1/privacy/{pat}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await WithToken(token).GetAsync($"/api/v1/privacy/{pat}")).StatusCode); // the real one still works
    }

    [Fact]
    public async Task A_token_expires_after_its_minutes_on_the_engines_clock()
    {
        var (pat, token) = await SeedAndIssueAsync("pv-expiry", "exp@example.com");
        Assert.Equal(HttpStatusCode.OK, (await WithToken(token).GetAsync($"/api/v1/privacy/{pat}")).StatusCode);
        engine.Clock.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal(HttpStatusCode.OK, (await WithToken(token).GetAsync($"/api/v1/privacy/{pat}/export")).StatusCode);
        engine.Clock.Advance(TimeSpan.FromSeconds(2));
        var r = await WithToken(token).GetAsync($"/api/v1/privacy/{pat}/export");
        var body = await ConsoleApiTests.Problem(r, HttpStatusCode.Unauthorized, "Authorization");
        Assert.Contains("expired", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("exp@example.com", body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_customer_withdraws_consent_the_next_decision_respects_it_and_then_erases_with_confirmation()
    {
        var (pat, token) = await SeedAndIssueAsync("pv-consent", "consent@example.com");
        var before = await ConsoleApiTests.Body(await engine.Client().GetAsync("/api/v1/customers/user_id:pv-consent/next-best-offer?placement=home&limit=5"));
        Assert.NotEmpty(before.GetProperty("offers").EnumerateArray());

        var put = await WithToken(token).PutAsync($"/api/v1/privacy/{pat}/consents", Json("""{"consents":[{"purpose":"marketing","channel":"web","granted":false}]}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var overview = await ConsoleApiTests.Body(await WithToken(token).GetAsync($"/api/v1/privacy/{pat}"));
        var consent = Assert.Single(overview.GetProperty("consents").EnumerateArray());
        Assert.Equal(("marketing", "web", false), (consent.GetProperty("purpose").GetString(), consent.GetProperty("channel").GetString(), consent.GetProperty("granted").GetBoolean()));

        var after = await ConsoleApiTests.Body(await engine.Client().GetAsync("/api/v1/customers/user_id:pv-consent/next-best-offer?placement=home&limit=5"));
        Assert.Empty(after.GetProperty("offers").EnumerateArray());
        Assert.All(after.GetProperty("excluded").EnumerateArray(), e => Assert.Equal("consent", e.GetProperty("rule").GetString()));

        var export = await ConsoleApiTests.Body(await WithToken(token).GetAsync($"/api/v1/privacy/{pat}/export"));
        Assert.Equal("consent@example.com", export.GetProperty("identifiers").GetProperty("email")[0].GetString()); // their own, in clear

        await ConsoleApiTests.Problem(await WithToken(token).DeleteAsync($"/api/v1/privacy/{pat}"), HttpStatusCode.BadRequest, "confirm");
        Assert.Equal(HttpStatusCode.OK, (await engine.Client().GetAsync($"/api/v1/customers/{pat}/profile")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await WithToken(token).DeleteAsync($"/api/v1/privacy/{pat}?confirm=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await engine.Client().GetAsync("/api/v1/customers/user_id:pv-consent/profile")).StatusCode);
        await ConsoleApiTests.Problem(await WithToken(token).GetAsync($"/api/v1/privacy/{pat}"), HttpStatusCode.NotFound, "profileId");
    }
}
