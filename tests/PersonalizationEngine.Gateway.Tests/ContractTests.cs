using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>
/// Issue 17: the OpenAPI document describes every operation (typed 2xx body, problem responses, security), and
/// the small fixes: <c>/</c>, <c>/favicon.ico</c>, timestamp errors, unknown identifier types, one problem type scheme.
/// </summary>
public sealed class ContractTests(DataApiTests.Engine engine) : IClassFixture<DataApiTests.Engine>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Body(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    private static async Task<JsonElement> Problem(HttpResponseMessage r, HttpStatusCode status, string? field = null)
    {
        Assert.Equal(status, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var body = await Body(r);
        if (field is not null) Assert.Equal(field, body.GetProperty("field").GetString());
        return body;
    }

    private static bool HasSchema(JsonElement content, string mediaType) =>
        content.TryGetProperty(mediaType, out var media) && media.TryGetProperty("schema", out var schema)
        && (schema.TryGetProperty("$ref", out _) || schema.TryGetProperty("type", out _) || schema.TryGetProperty("properties", out _) || schema.TryGetProperty("items", out _));

    [Fact]
    public async Task Every_operation_has_a_typed_success_body_problem_responses_and_security()
    {
        var doc = await Body(await engine.Client(null).GetAsync("/openapi/v1.json"));
        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("http", schemes.GetProperty("Bearer").GetProperty("type").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        Assert.Equal("http", schemes.GetProperty("Basic").GetProperty("type").GetString());
        Assert.Equal("basic", schemes.GetProperty("Basic").GetProperty("scheme").GetString());

        var failures = new List<string>();
        var operations = 0;
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                operations++;
                var name = $"{op.Name.ToUpperInvariant()} {path.Name}";
                var responses = op.Value.GetProperty("responses").EnumerateObject().ToList();
                var success = responses.Where(r => r.Name.StartsWith('2')).ToList();
                if (success.Count == 0) failures.Add(name + ": no 2xx response");
                foreach (var s in success.Where(s => s.Name != "204"))
                {
                    if (!s.Value.TryGetProperty("content", out var content) || !HasSchema(content, content.EnumerateObject().First().Name))
                        failures.Add($"{name}: {s.Name} has no typed body");
                }
                var problems = responses.Where(r => r.Name[0] is '4' or '5'
                    && r.Value.TryGetProperty("content", out var c) && HasSchema(c, "application/problem+json")).Select(r => r.Name).ToList();
                if (!problems.Any(p => p.StartsWith('4')) && !path.Name.StartsWith("/health", StringComparison.Ordinal)) failures.Add(name + ": no 4xx problem response");
                if (!problems.Contains("500")) failures.Add(name + ": no 500 problem response");

                var secured = !path.Name.StartsWith("/health", StringComparison.Ordinal);
                var security = op.Value.TryGetProperty("security", out var sec) ? sec.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList() : [];
                if (secured && !security.Contains("Bearer")) failures.Add(name + ": no Bearer requirement");
                if (secured && (path.Name.StartsWith("/v1/", StringComparison.Ordinal) || path.Name.StartsWith("/t/", StringComparison.Ordinal)) && !security.Contains("Basic"))
                    failures.Add(name + ": no Basic requirement (write key)");
                if (secured && (!problems.Contains("401") || !problems.Contains("403"))) failures.Add(name + ": 401/403 not documented");
                if (!secured && security.Count > 0) failures.Add(name + ": anonymous route demands a key");

                if (op.Name is "post" or "put" && op.Value.TryGetProperty("requestBody", out var body))
                {
                    var media = body.GetProperty("content").EnumerateObject().First();
                    if (!HasSchema(body.GetProperty("content"), media.Name)) failures.Add(name + ": request body has no schema");
                    if (!media.Value.TryGetProperty("example", out _)) failures.Add(name + ": request body has no example");
                }
                else if (op.Name is "post" or "put") failures.Add(name + ": no request body");
            }
        }
        Assert.True(operations >= 50, $"only {operations} operations");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Root_answers_an_index_and_the_favicon_is_served_without_a_key()
    {
        var root = await engine.Client(null).GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("/docs", (await Body(root)).GetProperty("docs").GetString());
        var icon = await engine.Client(null).GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/x-icon", icon.Content.Headers.ContentType?.MediaType);
        Assert.True((await icon.Content.ReadAsByteArrayAsync()).Length > 22);
    }

    [Fact]
    public async Task Root_redirects_to_the_demo_store_when_the_demo_is_on()
    {
        using var demo = new SqliteEngineFactory(new Dictionary<string, string> { ["Demo:Enabled"] = "true", ["Demo:WriteKey"] = DataApiTests.Write });
        var c = demo.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var r = await c.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/demo/", r.Headers.Location?.ToString());
    }

    [Fact]
    public async Task A_timestamp_that_is_no_time_at_all_is_called_so_not_a_missing_zone()
    {
        var r = await engine.Client(DataApiTests.Write).PostAsync("/api/v1/events", Json("""[{"eventId":"ts-1","identifiers":{"user_id":"ts"},"channel":"web","type":"page_view","timestamp":"not-a-time"}]"""));
        var p = await Problem(r, HttpStatusCode.BadRequest, "[0].timestamp");
        Assert.Contains("not a valid ISO 8601 date-time", p.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        var local = await engine.Client(DataApiTests.Write).PostAsync("/api/v1/events", Json($$"""[{"eventId":"ts-2","identifiers":{"user_id":"ts"},"channel":"web","type":"page_view","timestamp":"{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss}}"}]"""));
        Assert.Contains("must carry a zone", (await Problem(local, HttpStatusCode.BadRequest)).GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_identifier_type_is_a_400_naming_the_type_and_a_known_one_with_nobody_is_404()
    {
        var p = await Problem(await engine.Client().GetAsync("/api/v1/customers/foo:bar/profile"), HttpStatusCode.BadRequest, "ref");
        Assert.Contains("'foo'", p.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Problem(await engine.Client().GetAsync("/api/v1/customers/foo:bar/next-best-offer"), HttpStatusCode.BadRequest, "ref");
        await Problem(await engine.Client().GetAsync("/api/v1/customers/email:nobody@example.com/profile"), HttpStatusCode.NotFound, "ref");
        await Problem(await engine.Client().GetAsync("/api/v1/customers/profile:no-such-profile/profile"), HttpStatusCode.NotFound, "ref");
    }

    [Fact]
    public async Task Every_problem_type_is_an_rfc_section_link_on_one_site()
    {
        var anonymous = engine.Client(null);
        var responses = new[]
        {
            await engine.Client().PostAsync("/api/v1/keys", Json("""{"name":""}""")),                      // 400 (endpoint validation)
            await engine.Client().PostAsync("/api/v1/keys", Json("{")),                                   // 400 (binding)
            await anonymous.GetAsync("/api/v1/stats"),                                                    // 401
            await engine.Client(DataApiTests.Write).GetAsync("/api/v1/keys"),                             // 403
            await engine.Client().GetAsync("/api/v1/customers/user_id:nobody-at-all/profile"),            // 404
            await engine.Client().GetAsync("/api/v1/no-such-route"),                                      // 404 (no route)
            await engine.Client().DeleteAsync("/api/v1/keys/bootstrap-admin"),                            // 409
        };
        foreach (var r in responses)
        {
            var type = (await Problem(r, r.StatusCode)).GetProperty("type").GetString();
            Assert.StartsWith("https://www.rfc-editor.org/rfc/rfc9110#section-15.", type, StringComparison.Ordinal);
        }
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2", (await Body(responses[2])).GetProperty("type").GetString());
        Assert.Equal("https://www.rfc-editor.org/rfc/rfc6585#section-4", Problems.ProblemTypes.For(429));
    }

    [Fact]
    public async Task Typed_bodies_name_the_field_that_does_not_bind_and_accept_any_declared_content_type()
    {
        var admin = engine.Client();
        var wrongType = await admin.PutAsync("/api/v1/customers/user_id:nobody/consents", Json("""{"consents":[{"purpose":"marketing","granted":"yes"}]}"""));
        await Problem(wrongType, HttpStatusCode.BadRequest, "consents[0].granted");
        var missing = await admin.PutAsync("/api/v1/customers/user_id:nobody/consents", Json("""{"consents":[{"channel":"email"}]}"""));
        var errors = (await Problem(missing, HttpStatusCode.BadRequest, "consents[0].purpose")).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains("consents[0].granted", errors);
        var weights = await admin.PostAsync("/api/v1/customers/user_id:nobody/next-best-offer", Json("""{"contextWeights":{"free-shipping":500}}"""));
        await Problem(weights, HttpStatusCode.BadRequest, "contextWeights.free-shipping");
        var limit = await admin.GetAsync("/api/v1/customers/user_id:nobody/next-best-offer?limit=many");
        await Problem(limit, HttpStatusCode.BadRequest, "limit");

        // curl -d declares a form; SDKs declare text/plain: the body is still read as JSON.
        var form = new StringContent("""{"name":"form-declared","scopes":["query"]}""", Encoding.UTF8, "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/keys", form)).StatusCode);
    }

    [Fact]
    public async Task Readiness_runs_the_health_checks_and_metrics_carry_the_libraries_instrumentation()
    {
        var ready = await Body(await engine.Client(null).GetAsync("/health/ready"));
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var storage = Assert.Single(ready.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "storage");
        Assert.Equal("healthy", storage.GetProperty("status").GetString());

        await engine.Client().GetAsync("/api/v1/stats");
        var metrics = await engine.Client().GetStringAsync("/metrics");
        Assert.Contains("dotnet_gc_collections_total", metrics, StringComparison.Ordinal);          // runtime instrumentation
        Assert.Contains("http_server_request_duration_seconds_bucket", metrics, StringComparison.Ordinal); // ASP.NET Core
        Assert.Contains("orleans_catalog_activations", metrics, StringComparison.Ordinal);                 // Orleans' activations
        // Instruments recorded on every request or grain call are left out unless Metrics:Detailed asks for them.
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_rate_limiting_", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("orleans_messaging_processing_", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("orleans_app_requests_latency", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detailed_metrics_keep_the_per_request_and_per_message_instruments()
    {
        using var detailed = new SqliteEngineFactory(new Dictionary<string, string> { ["Metrics:Detailed"] = "true" });
        var c = detailed.CreateClient();
        c.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DataApiTests.Admin);
        await c.GetAsync("/api/v1/stats");
        var metrics = await c.GetStringAsync("/metrics");
        Assert.Contains("aspnetcore_routing_match_attempts", metrics, StringComparison.Ordinal);
        Assert.Contains("orleans_messaging_processing_", metrics, StringComparison.Ordinal);
    }
}
