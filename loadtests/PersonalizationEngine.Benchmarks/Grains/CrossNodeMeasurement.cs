using System.Diagnostics;
using System.Net;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Benchmarks.Grains;

/// <summary>
/// The cost of a grain call that crosses nodes (issue 14's capacity model): two silos of one cluster in this process over
/// a shared in-memory store, real TCP between them on loopback. Customers are activated, each is located with Orleans'
/// management grain, and calls from node A's grain factory to customers living on A (local) and on B (remote) are timed,
/// one at a time (latency) and 64 in flight (throughput). Same process, same machine: the figures show Orleans' own
/// serialisation and messaging cost, not a network's. `--cross-node [--calls N]`.
/// </summary>
public static class CrossNodeMeasurement
{
    public static async Task RunAsync(string[] args)
    {
        var calls = args.SkipWhile(a => a != "--calls").Skip(1).Select(int.Parse).FirstOrDefault(20_000);
        var store = new InMemoryStorageProvider();
        var primaryPort = LoopbackPorts.Free();
        await using var a = await BenchSilo.StartAsync(shared: store, cluster: (primaryPort, LoopbackPorts.Free(), null));
        await using var b = await BenchSilo.StartAsync(shared: store, cluster: (LoopbackPorts.Free(), LoopbackPorts.Free(), new IPEndPoint(IPAddress.Loopback, primaryPort)));
        var grains = a.Get<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        while ((await management.GetHosts(onlyActive: true)).Count < 2) await Task.Delay(100);

        var local = new List<ICustomerGrain>();
        var remote = new List<ICustomerGrain>();
        var hostA = a.Get<Orleans.Runtime.ILocalSiloDetails>().SiloAddress;
        for (var i = 0; (local.Count < 32 || remote.Count < 32) && i < 2_000; i++)
        {
            // Activated from both nodes, so some live on each.
            var via = i % 2 == 0 ? a : b;
            var user = "hop-" + i;
            await via.Get<IngestionService>().IngestAsync(BenchSilo.RealisticEvents(user, 10));
            var profile = (await via.Get<CustomerDirectory>().ResolveAsync("user_id:" + user)).ProfileId!;
            var grain = grains.GetGrain<ICustomerGrain>(profile);
            var where = await management.GetActivationAddress(grain);
            (where is not null && where.Equals(hostA) ? local : remote).Add(grain);
        }
        Console.WriteLine($"two silos, {local.Count} customers on A (local), {remote.Count} on B (remote); {calls:N0} StatusAsync calls from A each way");
        foreach (var (name, set) in new[] { ("local (same node)", local), ("remote (other node)", remote) })
        {
            await TimeAsync(set, 2_000, 1); // warm-up
            var sequential = await TimeAsync(set, calls, 1);
            var concurrent = await TimeAsync(set, calls * 2, 64);
            Console.WriteLine($"  {name,-20} one at a time: {sequential.MeanUs,7:F1} µs per call (p99 {sequential.P99Us:F1} µs); 64 in flight: {concurrent.PerSecond,9:N0} calls/s");
        }
    }

    private static async Task<(double MeanUs, double P99Us, double PerSecond)> TimeAsync(List<ICustomerGrain> targets, int calls, int inFlight)
    {
        var samples = new double[inFlight == 1 ? calls : 0];
        var started = Stopwatch.GetTimestamp();
        if (inFlight == 1)
        {
            for (var i = 0; i < calls; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await targets[i % targets.Count].StatusAsync();
                samples[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            }
        }
        else
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < calls) await targets[i % targets.Count].StatusAsync();
            }));
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        Array.Sort(samples);
        return (samples.Length > 0 ? samples.Average() : 0, samples.Length > 0 ? samples[(int)(samples.Length * 0.99)] : 0, calls / elapsed.TotalSeconds);
    }
}
