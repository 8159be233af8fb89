using System.Net;
using System.Net.Http.Json;
using System.Text;
using Xunit.Abstractions;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>
/// Issue 5, test 4: a customer known through several identifiers and channels is erased; then every table is
/// scanned for any of its identifiers or attribute values, and a restart must not bring anything back.
/// </summary>
public sealed class ErasureTests(ITestOutputHelper output)
{
    private static readonly string[] Secrets = ["erin.erasable@example.com", "+447700900456", "erin-user-991", "erin-loyal-77", "Erinwyn", "Quaggleton", "erin-device-5"];

    [Fact]
    public async Task After_erasure_no_table_holds_the_person_and_a_restart_does_not_resurrect_them()
    {
        var schema = Postgres.NewSchema();
        var settings = Postgres.EngineSettings(schema);
        settings["Engine__SnapshotEveryEvents"] = "2";
        try
        {
            string profileId;
            await using (var engine = await EngineProcess.StartAsync(settings))
            {
                using var http = engine.Client();
                var now = DateTimeOffset.UtcNow.ToString("O");
                var events = $$$"""
                [
                  {"eventId":"er1","identifiers":{"email":"Erin.Erasable@example.com","device_id":"erin-device-5"},"channel":"web","type":"page_view","timestamp":"{{{now}}}"},
                  {"eventId":"er2","identifiers":{"phone":"+44 7700 900456","loyalty_id":"erin-loyal-77"},"channel":"store","type":"purchase","timestamp":"{{{now}}}","properties":{"amount":42.5,"currency":"GBP"}},
                  {"eventId":"er3","identifiers":{"email":"erin.erasable@example.com","user_id":"erin-user-991","phone":"+447700900456"},"channel":"app","type":"login","timestamp":"{{{now}}}"},
                  {"eventId":"er4","identifiers":{"user_id":"erin-user-991"},"channel":"crm","type":"profile_update","timestamp":"{{{now}}}","properties":{"first_name":"Erinwyn","last_name":"Quaggleton"}},
                  {"eventId":"keep1","identifiers":{"email":"someone.else@example.com"},"channel":"web","type":"page_view","timestamp":"{{{now}}}"}
                ]
                """;
                var ingest = await http.PostAsync("/api/v1/events", new StringContent(events, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
                var profile = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/customers/loyalty_id:erin-loyal-77/profile");
                profileId = profile.GetProperty("profileId").GetString()!;
                Assert.Equal(4, profile.GetProperty("eventCount").GetInt64());
                Assert.Equal(HttpStatusCode.OK, (await http.PutAsync("/api/v1/customers/user_id:erin-user-991/consents", new StringContent("""{"consents":[{"purpose":"marketing","granted":true}]}""", Encoding.UTF8, "application/json"))).StatusCode);

                // Before erasure the data is there, but not in clear: identifiers and attributes are sealed.
                var before = await Postgres.DumpAsync(schema);
                Assert.Contains(profileId, before, StringComparison.Ordinal);
                foreach (var s in Secrets) Assert.DoesNotContain(s, before, StringComparison.OrdinalIgnoreCase);

                Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("/api/v1/customers/email:erin.erasable@example.com")).StatusCode);
                Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/customers/user_id:erin-user-991/profile")).StatusCode);
                await engine.StopAsync();
            }

            var after = await Postgres.DumpAsync(schema);
            var hits = Secrets.Append(profileId).Where(s => after.Contains(s, StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (var line in after.Split('\n').Where(l => l.Contains(profileId, StringComparison.Ordinal))) output.WriteLine("  still there: " + line[..Math.Min(300, line.Length)]);
            output.WriteLine($"scanned {after.Length:N0} characters of table text in schema {schema}; hits: {(hits.Count == 0 ? "none" : string.Join(", ", hits))}");
            Assert.Empty(hits);

            await using (var engine = await EngineProcess.StartAsync(settings))
            {
                using var http = engine.Client();
                foreach (var r in new[] { "email:erin.erasable@example.com", "phone:+447700900456", "user_id:erin-user-991", "loyalty_id:erin-loyal-77", "device_id:erin-device-5", profileId })
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/customers/{Uri.EscapeDataString(r)}/profile")).StatusCode);
                }
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/customers/email:someone.else@example.com/profile")).StatusCode);
            }
        }
        finally
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }
}
