using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>Three silos of one Orleans cluster on the TestingHost (issue 14), with fencing on as a real cluster runs.</summary>
public sealed class MultiSiloTests
{
    [Fact]
    public async Task Three_silos_hold_each_customer_once_and_a_stopped_silos_customers_come_back_on_the_others()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await StartAsync(storage, snapshotEvery: 1000, settings: new Dictionary<string, string?> { ["Cluster:Fencing"] = "true" }, silos: 3);
        var users = Enumerable.Range(0, 30).Select(i => "ms-" + i).ToList();
        // Each customer's events arrive through all three silos' ingestion services.
        for (var s = 0; s < 3; s++)
        {
            var result = await host.ServicesOf<IngestionService>(s).IngestAsync([.. users.Select(u => Event($"{u}-{s}", "page_view", ids: ("user_id", u)))]);
            Assert.All(result.Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
        }
        var counts = Enumerable.Range(0, 3).Select(s => host.ServicesOf<ActivationCounter>(s).Count).ToArray();
        Assert.Equal(users.Count, counts.Sum()); // one activation per customer in the whole cluster
        foreach (var u in users)
        {
            var id = (await host.ServicesOf<CustomerDirectory>(2).ResolveAsync("user_id:" + u)).ProfileId!;
            Assert.Equal(3, (await host.ServicesOf<CustomerService>(1).GetProfileAsync(id))!.EventCount);
        }

        // The silo holding most customers stops (without its grains writing back: the journal has everything).
        var busiest = Array.IndexOf(counts, counts.Max());
        var survivor = busiest == 0 ? 1 : 0;
        await host.Cluster.KillSiloAsync(host.Cluster.Silos[busiest]);
        foreach (var u in users)
        {
            var id = (await host.ServicesOf<CustomerDirectory>(survivor).ResolveAsync("user_id:" + u)).ProfileId!;
            Assert.Equal(3, (await host.ServicesOf<CustomerService>(survivor).GetProfileAsync(id))!.EventCount);
            // A client's retry of an acknowledged event is a duplicate, wherever the customer now lives.
            var retry = await host.ServicesOf<IngestionService>(survivor).IngestAsync([Event($"{u}-0", "page_view", ids: ("user_id", u))]);
            Assert.Equal(IngestStatus.Duplicate, Assert.Single(retry.Items).Status);
        }
    }
}
