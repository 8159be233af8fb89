using System.Globalization;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Benchmarks.Grains;

/// <summary>
/// Bytes of retained heap per active customer on an Orleans silo: GC heap with N realistic customers in memory (30
/// events each across web, app and e-mail; profile state, the customer grain, its two identity grains and Orleans'
/// activation records, this node's identity-cache entries) minus the heap before, divided by N. The store is SQLite on
/// disk, so its data is not counted; ingestion's transient allocations are collected before each reading.
/// </summary>
public static class ActivationMemoryMeasurement
{
    public static async Task RunAsync(string[] args)
    {
        var n = args.SkipWhile(a => a != "--customers").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(20_000);
        // Identity grains leave after 5 s idle here (2 min by default), customers stay: the second reading is the steady
        // state of an active customer whose identifiers this node's identity cache already links.
        await using var silo = await BenchSilo.StartAsync(snapshotEvery: 1000, onDisk: true, new Dictionary<string, string?>
        {
            ["Actors:IdentityIdleTimeout"] = "00:00:05",
            ["Actors:CollectionQuantum"] = "00:00:01",
            ["Actors:IdleTimeout"] = "01:00:00",
        });
        var ingestion = silo.Get<IngestionService>();
        // Warm up: JIT, pools, the Orleans directory's first pages.
        for (var i = 0; i < 200; i++) await ingestion.IngestAsync(BenchSilo.RealisticEvents("warm-" + i));
        var before = Heap();
        var started = DateTime.UtcNow;
        for (var i = 0; i < n; i++)
        {
            await ingestion.IngestAsync(BenchSilo.RealisticEvents("c-" + i.ToString(CultureInfo.InvariantCulture)));
            if (i % 2000 == 0) Console.Write($"\r  {i,7:N0} / {n:N0} customers  {(DateTime.UtcNow - started).TotalSeconds,5:F0} s");
        }
        var after = Heap();
        var customers = silo.Get<ActivationCounter>().Count;
        await Task.Delay(TimeSpan.FromSeconds(12)); // identity grains collected (5 s idle, 1 s quantum)
        var steady = Heap();
        Console.WriteLine();
        Console.WriteLine("| customers in memory | grains per customer | bytes per active customer (state + runtime) |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {customers:N0} | 1 customer + 2 identity (just ingested) | {(after - before) / (double)n:F0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {silo.Get<ActivationCounter>().Count:N0} | 1 customer (identity grains collected, links in the identity cache) | {(steady - before) / (double)n:F0} |"));
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
