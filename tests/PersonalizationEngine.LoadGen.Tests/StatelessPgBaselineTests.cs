using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using PersonalizationEngine.Baselines;

namespace PersonalizationEngine.LoadGen.Tests;

/// <summary>The stateless PostgreSQL baseline against a real server, in a table of its own dropped afterwards.</summary>
public sealed class StatelessPgBaselineTests
{
    [Fact]
    public async Task Events_upsert_the_customer_row_and_nbo_reads_it()
    {
        var connectionString = Environment.GetEnvironmentVariable("PE_TEST_POSTGRES");
        Assert.False(string.IsNullOrWhiteSpace(connectionString), "PE_TEST_POSTGRES is not set: this test needs a PostgreSQL connection string (tests/run.sh sets it).");
        var table = "pe_lg_test_" + Guid.NewGuid().ToString("N")[..12];
        await using var app = BaselineHost.Build(["stateless-pg", "--urls", "http://127.0.0.1:0", "--ConnectionStrings:Postgres", connectionString!, "--Baseline:Table", table]);
        await using var dataSource = NpgsqlDataSource.Create(connectionString!);
        try
        {
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            const string events = """
                [{"eventId":"e1","identifiers":{"user_id":"42"},"channel":"web","type":"add_to_cart","timestamp":"2026-11-24T10:00:00+00:00","properties":{}},
                 {"eventId":"e2","identifiers":{"user_id":"42"},"channel":"app","type":"add_to_cart","timestamp":"2026-11-24T10:00:01+00:00","properties":{}},
                 {"eventId":"e3","identifiers":{"user_id":"7"},"channel":"web","type":"purchase","timestamp":"2026-11-24T10:00:02+00:00","properties":{}}]
                """;
            using var post = await http.PostAsync(new Uri("/api/v1/events", UriKind.Relative), new StringContent(events, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
            using var segment = await http.PostAsync(new Uri("/v1/batch", UriKind.Relative), new StringContent("""{"batch":[{"type":"track","userId":"42","event":"purchase"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, segment.StatusCode);

            await using (var cmd = dataSource.CreateCommand($"SELECT event_count, counters::text, last_channel FROM {table} WHERE customer_ref = 'user_id:42'"))
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                Assert.Equal(3, reader.GetInt64(0));
                var counters = JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(1))!;
                Assert.Equal(2, counters["add_to_cart"]);
                Assert.Equal(1, counters["purchase"]);
                Assert.Equal("web", reader.GetString(2));
            }

            using var nbo = await http.GetFromJsonAsync<JsonDocument>(new Uri("/api/v1/customers/user_id:42/next-best-offer?channel=web&placement=home&limit=3", UriKind.Relative));
            var offers = nbo!.RootElement.GetProperty("offers");
            Assert.Equal(3, offers.GetArrayLength());
            Assert.Equal("offer-free-shipping", offers[0].GetProperty("offerId").GetString());
            Assert.False(string.IsNullOrEmpty(nbo.RootElement.GetProperty("decisionId").GetString()));

            using var unknown = await http.GetFromJsonAsync<JsonDocument>(new Uri("/api/v1/customers/user_id:nobody/next-best-offer", UriKind.Relative));
            Assert.Equal(3, unknown!.RootElement.GetProperty("offers").GetArrayLength());
        }
        finally
        {
            await app.StopAsync();
            await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {table}");
            await drop.ExecuteNonQueryAsync();
        }
    }
}
