using System.Text.Json;
using Xunit.Abstractions;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>
/// Issue 5, test 1: an engine under continuous load is killed with SIGKILL at random moments and restarted;
/// every event it acknowledged must be in the profiles afterwards, and none applied twice.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Acknowledged_events_survive_repeated_sigkill_and_none_is_applied_twice(string provider)
    {
        var dir = Directory.CreateTempSubdirectory("pe-crash-");
        var settings = provider == "Postgres" ? Postgres.EngineSettings(Postgres.NewSchema()) : EngineProcess.SqliteSettings(dir);
        settings["Engine__SnapshotEveryEvents"] = "7"; // snapshots and trims often, so kills land between every step
        var port = EngineProcess.FreePort();
        EngineProcess? engine = await EngineProcess.StartAsync(settings, port);
        using var http = engine.Client();
        var load = new LoadClient(() => http, workers: 6, customersPerWorker: 15, batchSize: 10);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        var random = new Random(20261124);
        const int cycles = 5;
        try
        {
            for (var cycle = 1; cycle <= cycles; cycle++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1500 + random.Next(2000)));
                var before = load.AckedEvents;
                engine.Kill();
                output.WriteLine($"cycle {cycle}: SIGKILL after {before:N0} acknowledged events");
                await Task.Delay(random.Next(100, 800));
                var restart = System.Diagnostics.Stopwatch.StartNew();
                engine = await EngineProcess.StartAsync(settings, port);
                output.WriteLine($"cycle {cycle}: restarted, /health/ready answered 200 after {restart.Elapsed.TotalSeconds:0.00} s");
            }
            await Task.Delay(1000);
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
            output.WriteLine($"{provider}: cycles {cycles}, events sent {load.Sent:N0}, acknowledged {load.AckedEvents:N0} for {load.Acked.Count} customers, " +
                $"batches acked {load.AckedBatches:N0}, failed attempts {load.FailedBatches:N0} (retried), statuses {string.Join(", ", load.Statuses.Select(s => $"{s.Key}x{s.Value}"))}");
            Assert.Empty(mismatches);
            Assert.Equal(load.Sent, load.AckedEvents);
            Assert.True(load.AckedEvents > 1000, "the load should have been substantial");
        }
        finally
        {
            stop.Cancel();
            await engine.DisposeAsync();
            try { dir.Delete(true); } catch (IOException) { }
        }
    }
}
