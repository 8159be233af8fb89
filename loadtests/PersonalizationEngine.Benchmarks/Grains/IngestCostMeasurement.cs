using System.Diagnostics;
using System.Globalization;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Benchmarks.Grains;

/// <summary>
/// What ingestion costs the engine per event without HTTP in front (`--ingest-cost`): one silo, 10,000 known customers,
/// then concurrent batches of 100 events for random customers through <see cref="IngestionService"/> until everything
/// acknowledged is applied. Prints events/s, process CPU per event and bytes allocated per event, for the default
/// log-first acknowledgement and for Applied, on SQLite (`--store memory` for the in-memory store). Not a BenchmarkDotNet
/// job: the figures are of a whole pipeline under concurrency, as the gateway drives it.
/// </summary>
public static class IngestCostMeasurement
{
    public static async Task RunAsync(string[] args)
    {
        var onDisk = Arg(args, "--store", "sqlite") != "memory";
        var seconds = int.Parse(Arg(args, "--seconds", "10"), CultureInfo.InvariantCulture);
        var customers = int.Parse(Arg(args, "--customers", "10000"), CultureInfo.InvariantCulture);
        Console.WriteLine($"ingest cost: {(onDisk ? "SQLite" : "in-memory store")}, {customers:N0} customers, batches of 100 random customers' events, 16 concurrent, {seconds} s per mode");
        Console.WriteLine("| acknowledgement | events applied/s | CPU µs/event | allocated bytes/event | gen0/gen1/gen2 |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        foreach (var mode in new[] { "Durable", "Applied" })
        {
            var settings = new Dictionary<string, string?> { ["Ingest:Acknowledge"] = mode };
            if (Arg(args, "--wal-pages", "") is { Length: > 0 } pages) settings["Storage:Sqlite:WalAutoCheckpointPages"] = pages;
            await using var silo = await BenchSilo.StartAsync(onDisk: onDisk, settings: settings);
            var ingestion = silo.Get<IngestionService>();
            var stamp = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);
            for (var b = 0; b < customers / 100; b++)
            {
                await ingestion.IngestAsync(Enumerable.Range(b * 100, 100).Select(n => Event($"seed-{n}", n, stamp)).ToList(), waitForApplied: true);
            }
            // Warm-up (tiered JIT), then the measured run.
            await DriveAsync(ingestion, customers, stamp, "warm", TimeSpan.FromSeconds(3));
            await DrainAsync(ingestion);
            GC.Collect();
            var g0 = GC.CollectionCount(0); var g1 = GC.CollectionCount(1); var g2 = GC.CollectionCount(2);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var alloc0 = GC.GetTotalAllocatedBytes(precise: false);
            using var sampler = args.Contains("--alloc-types") ? new AllocationSampler() : null;
            var clock = Stopwatch.StartNew();
            var events = await DriveAsync(ingestion, customers, stamp, "run", TimeSpan.FromSeconds(seconds));
            await DrainAsync(ingestion);
            sampler?.Print(mode, events);
            var elapsed = clock.Elapsed.TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds;
            var alloc = GC.GetTotalAllocatedBytes(precise: false) - alloc0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {mode} | {events / elapsed:N0} | {cpu / events:F1} | {alloc / (double)events:N0} | {GC.CollectionCount(0) - g0}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2} |"));
        }
    }

    private static async Task<long> DriveAsync(IngestionService ingestion, int customers, string stamp, string run, TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long total = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var random = new Random(w * 7919 + run.Length);
            var n = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var batch = new List<RawEvent>(100);
                for (var i = 0; i < 100; i++) batch.Add(Event($"{run}-{w}-{n++}", random.Next(customers), stamp));
                try
                {
                    await ingestion.IngestAsync(batch);
                    Interlocked.Add(ref total, batch.Count);
                }
                catch (IngestOverloadedException)
                {
                    await Task.Delay(20); // the backlog is at its limit: back off as a client honouring Retry-After would
                }
            }
        })));
        return total;
    }

    private static async Task DrainAsync(IngestionService ingestion)
    {
        while (ingestion.BacklogEvents > 0) await Task.Delay(20);
    }

    private static RawEvent Event(string id, int customer, string stamp) => new()
    {
        EventId = id,
        Type = "product_view",
        Channel = "web",
        Timestamp = stamp,
        Identifiers = new Dictionary<string, string?> { ["user_id"] = "u" + customer.ToString(CultureInfo.InvariantCulture) },
        Properties = new EventProperties().Set("category", "shoes").Set("price", 89m),
    };

    private static string Arg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>The runtime's allocation sampling (an event every ~100 KB allocated, naming the type), summed by type.</summary>
    private sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
            var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
            var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], CultureInfo.InvariantCulture) : 100_000;
            lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }

        public void Print(string mode, long events)
        {
            lock (_bytes)
            {
                Console.WriteLine($"allocations by type ({mode}), bytes per event (sampled):");
                foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(30))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {bytes / (double)events,8:N0}  {type}"));
                }
            }
        }
    }
}
