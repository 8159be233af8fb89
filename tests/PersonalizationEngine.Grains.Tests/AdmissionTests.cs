using Microsoft.Extensions.DependencyInjection;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// Admission control: beyond <see cref="EngineOptions.MaxInFlightEvents"/> events not yet durable, a batch is
/// refused at once with nothing stored, instead of queuing behind a slow journal.
/// </summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task Batches_beyond_the_in_flight_limit_are_refused_whole_and_succeed_on_retry()
    {
        var storage = new GatedStorage(new InMemoryStorageProvider());
        await using var host = await EngineHost.StartAsync(storage, services: s => s.Configure<EngineOptions>(o => o.MaxInFlightEvents = 10));
        var a = Batch("a", 8);
        var b = Batch("b", 5);
        var c = Batch("c", 2);

        storage.Close();
        var first = host.Ingestion.IngestAsync(a);
        await WaitUntil(() => host.Ingestion.InFlightEvents == 8);
        var refused = await Assert.ThrowsAsync<IngestOverloadedException>(() => host.Ingestion.IngestAsync(b));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal(8, host.Ingestion.InFlightEvents); // the refusal released what it reserved
        var third = host.Ingestion.IngestAsync(c);      // 8 + 2 fits exactly
        await WaitUntil(() => host.Ingestion.InFlightEvents == 10);
        Assert.False(first.IsCompleted);

        storage.Open();
        Assert.All((await first).Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
        Assert.All((await third).Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
        Assert.Equal(0, host.Ingestion.InFlightEvents);
        Assert.False((await host.Directory.ResolveAsync("user_id:b")).Found); // nothing of the refused batch was stored

        Assert.All((await host.Ingestion.IngestAsync(b)).Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
        Assert.Equal(5, (await host.ProfileAsync("user_id:b")).EventCount);
        // A batch larger than the limit still goes through when nothing else is in flight.
        Assert.All((await host.Ingestion.IngestAsync(Batch("big", 15))).Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
    }

    [Fact]
    public async Task Batches_are_refused_while_more_customers_are_in_memory_than_shedding_keeps_up_with()
    {
        // Customer snapshots cannot be written (a slow database): shed customers stay in memory until written back.
        var storage = new GatedStorage(new InMemoryStorageProvider());
        await using var host = await EngineHost.StartAsync(storage,
            settings: new Dictionary<string, string?> { ["Actors:MaxActivations"] = "10", ["Actors:SaturationFactor"] = "1.5" });
        storage.CloseSnapshots();
        var accepted = 0;
        IngestOverloadedException? refused = null;
        for (var i = 0; i < 40 && refused is null; i++)
        {
            try
            {
                await host.Ingestion.IngestAsync(Batch("c" + i, 1));
                accepted++;
            }
            catch (IngestOverloadedException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.InRange(accepted, 8, 16); // identity grains are shed (nothing to write); customer grains pile up
        Assert.True(host.ActivationCount > 15, $"{host.ActivationCount} activations");
        Assert.Contains("customers are in memory", refused.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);

        storage.OpenSnapshots(); // shedding catches up
        await host.ShedAsync();
        Assert.True(host.ActivationCount <= 10, $"{host.ActivationCount} activations");
        var next = "c" + accepted;
        Assert.False((await host.Directory.ResolveAsync("user_id:" + next)).Found); // nothing of the refused batch was stored
        Assert.All((await host.Ingestion.IngestAsync(Batch(next, 1))).Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
        Assert.Equal(1, (await host.ProfileAsync("user_id:c0")).EventCount); // shed customers come back from storage
    }

    private static List<RawEvent> Batch(string user, int count) =>
        [.. Enumerable.Range(0, count).Select(i => EngineHost.Event($"{user}-{i}", "page_view", ids: ("user_id", user)))];

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
