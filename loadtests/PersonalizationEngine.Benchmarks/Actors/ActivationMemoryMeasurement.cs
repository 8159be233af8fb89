using System.Globalization;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Benchmarks.Actors;

/// <summary>
/// Bytes of retained heap per idle activation: GC heap after N activations minus before, against the same N
/// entries in a plain ConcurrentDictionary of small objects (what any in-memory cache of N keys costs).
/// Keys are allocated before measuring, so they count in neither figure.
/// </summary>
public static class ActivationMemoryMeasurement
{
    private const int N = 200_000;

    public static async Task RunAsync()
    {
        var keys = Enumerable.Range(0, N).Select(i => "customer-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

        var before = Heap();
        var baseline = new System.Collections.Concurrent.ConcurrentDictionary<string, object>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            baseline[k] = new object();
        }

        var baselineBytes = (Heap() - before) / (double)N;
        GC.KeepAlive(baseline);
        baseline = null;

        await using var system = new ActorSystemBuilder().UseStorage(new InMemoryStorageProvider()).AddGrain<EmptyGrain>().Build();
        await system.StartAsync();
        before = Heap();
        foreach (var k in keys)
        {
            await system.GetGrain<EmptyGrain>(k).InvokeAsync(static g => g.Touch());
        }

        await system.WaitForIdleAsync();
        var activationBytes = (Heap() - before) / (double)N;
        Console.WriteLine($"| activations | bytes/entry, ConcurrentDictionary<string, object> baseline | bytes/idle activation (runtime + empty grain) | difference |");
        Console.WriteLine($"|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {system.ActivationCount:N0} | {baselineBytes:F0} | {activationBytes:F0} | {activationBytes - baselineBytes:F0} |"));
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
