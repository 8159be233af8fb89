using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>
/// Issue 5, test 2: PostgreSQL is stopped under load and started again. While it is down ingestion must answer
/// 503 with Retry-After (never 2xx for what it could not persist), reads of active customers keep answering
/// from memory, and the engine recovers by itself; in the end every acknowledged event is in the profiles.
/// </summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Ingestion_refuses_while_postgres_is_down_and_recovers_without_losing_acknowledged_events()
    {
        using var cluster = new Postgres.PrivateCluster();
        await using var engine = await EngineProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = cluster.ConnectionString,
        });
        using var http = engine.Client();
        var load = new LoadClient(() => http, workers: 4, customersPerWorker: 10, batchSize: 10);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        try
        {
            await Task.Delay(2000);
            // The customers read during the outage are in memory: a read waits for what was acknowledged for them (log-first
            // ingestion applies behind the acknowledgement) and activates them.
            for (var i = 0; i < 10; i++)
            {
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while ((await http.GetAsync($"/api/v1/customers/user_id:c0-{i}/profile")).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline) await Task.Delay(100);
            }
            var ackedBefore = load.AckedEvents;
            cluster.Stop();
            output.WriteLine($"PostgreSQL stopped after {ackedBefore:N0} acknowledged events");
            await Task.Delay(1000);
            var ackedDuring = load.AckedEvents;
            var readsOk = 0;
            for (var i = 0; i < 20; i++)
            {
                var r = await http.GetAsync($"/api/v1/customers/user_id:c0-{i % 10}/profile");
                if (r.StatusCode == HttpStatusCode.OK) readsOk++;
                await Task.Delay(100);
            }
            var ready = await http.GetAsync("/health/ready");
            var refusedDuring = load.Refused;
            var ackedAtEnd = load.AckedEvents;
            cluster.Start();
            output.WriteLine($"PostgreSQL started again; during the outage: {refusedDuring:N0} refusals (503 + Retry-After), {ackedAtEnd - ackedDuring} events acknowledged after the first second, {readsOk}/20 profile reads answered, /health/ready {(int)ready.StatusCode}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.True(refusedDuring > 0, "ingestion must refuse while the database is down");
            Assert.Equal(0, ackedAtEnd - ackedDuring);
            Assert.True(readsOk >= 15, "reads of customers in memory keep answering");

            var recovered = DateTime.UtcNow;
            var resumeFrom = load.AckedEvents;
            while (load.AckedEvents < resumeFrom + 500 && DateTime.UtcNow - recovered < TimeSpan.FromSeconds(60)) await Task.Delay(200);
            output.WriteLine($"ingestion resumed {(DateTime.UtcNow - recovered).TotalSeconds:0.0} s after PostgreSQL came back");
            Assert.True(load.AckedEvents >= resumeFrom + 500, "ingestion must resume on its own");
            stop.Cancel();
            await running;
            await load.DrainAsync(TimeSpan.FromSeconds(60));

            var mismatches = new List<string>();
            foreach (var (customer, events) in load.Acked)
            {
                using var profile = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/customers/user_id:{customer}/profile"));
                var count = profile.RootElement.GetProperty("eventCount").GetInt64();
                if (count != events.Count) mismatches.Add($"{customer}: acknowledged {events.Count}, profile has {count}");
            }
            output.WriteLine($"events sent {load.Sent:N0}, acknowledged {load.AckedEvents:N0}; statuses {string.Join(", ", load.Statuses.Select(s => $"{s.Key}x{s.Value}"))}");
            Assert.Empty(mismatches);
            Assert.Equal(load.Sent, load.AckedEvents);
        }
        finally
        {
            stop.Cancel();
            await engine.DisposeAsync();
        }
    }
}
