using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// Writer fencing (issue 14). Two independent Orleans clusters over one store are a guaranteed duplicate activation of
/// the same customer, the situation a membership change can briefly create in one cluster: each activation claims the
/// customer when it starts, and the one that lost the claim can neither append nor write its snapshot.
/// </summary>
public sealed class FencingTests
{
    private static readonly Dictionary<string, string?> Fenced = new() { ["Cluster:Fencing"] = "true" };

    private static async Task<List<string>> JournalAsync(IStorageProvider storage, string stream)
    {
        var ids = new List<string>();
        await foreach (var e in storage.Journal.ReadAsync(stream, 0)) ids.Add(e.EventId);
        return ids;
    }

    [Fact]
    public async Task A_duplicate_activation_that_lost_its_claim_is_refused_and_nothing_is_applied_twice()
    {
        var storage = new InMemoryStorageProvider();
        await using var a = await StartAsync(storage, snapshotEvery: 1000, settings: Fenced);
        await using var b = await StartAsync(storage, snapshotEvery: 1000, settings: Fenced);

        await a.Ingestion.IngestAsync([Event("e1", "page_view", ids: ("user_id", "dup"))]);
        var profileId = (await a.Directory.ResolveAsync("user_id:dup")).ProfileId!;

        // The same customer activates in the other cluster: it claims the customer and sees what A made durable.
        var second = await b.Ingestion.IngestAsync([Event("e2", "page_view", ids: ("user_id", "dup"))]);
        Assert.Equal(IngestStatus.Accepted, Assert.Single(second.Items).Status);
        Assert.Equal(2, (await b.Customers.GetProfileAsync(profileId))!.EventCount);

        // A is stale now: any event it is handed is refused (nothing of it is journaled; the client's retry goes to the
        // live owner), and the stale activation leaves.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => a.Ingestion.IngestAsync([Event("e3", "page_view", ids: ("user_id", "dup"))]));
        Assert.True(Chain(refused).Any(x => x is StaleWriterException), refused.ToString());
        Assert.Equal(["e1", "e2"], await JournalAsync(storage, profileId));

        // The client retries e3 and e2 (same ids) through the owner: e3 is applied once, e2 is a duplicate.
        var retry = await b.Ingestion.IngestAsync([Event("e3", "page_view", ids: ("user_id", "dup")), Event("e2", "page_view", ids: ("user_id", "dup"))]);
        Assert.Equal([IngestStatus.Accepted, IngestStatus.Duplicate], retry.Items.Select(i => i.Status));
        Assert.Equal(["e1", "e2", "e3"], await JournalAsync(storage, profileId));
        Assert.Equal(3, (await b.Customers.GetProfileAsync(profileId))!.EventCount);
        await b.Grains.GetGrain<ICustomerGrain>(profileId).SnapshotAsync(force: true);

        // The stale activation has left; the customer comes back in A with a new claim and everything exactly once,
        // and now B's activation is the stale one.
        await a.CollectIdleAsync();
        var back = await a.Ingestion.IngestAsync([Event("e4", "page_view", ids: ("user_id", "dup"))]);
        Assert.Equal(IngestStatus.Accepted, Assert.Single(back.Items).Status);
        Assert.Equal(4, (await a.Customers.GetProfileAsync(profileId))!.EventCount);
        var staleB = await Assert.ThrowsAnyAsync<Exception>(() => b.Ingestion.IngestAsync([Event("e5", "page_view", ids: ("user_id", "dup"))]));
        Assert.True(Chain(staleB).Any(x => x is StaleWriterException), staleB.ToString());
        Assert.Equal(["e1", "e2", "e3", "e4"], await JournalAsync(storage, profileId));
    }

    [Fact]
    public async Task A_duplicate_activation_that_lost_its_claim_cannot_write_its_snapshot()
    {
        var storage = new InMemoryStorageProvider();
        await using var a = await StartAsync(storage, snapshotEvery: 1000, settings: Fenced);
        await using var b = await StartAsync(storage, snapshotEvery: 1000, settings: Fenced);
        await a.Ingestion.IngestAsync([Event("f1", "page_view", ids: ("user_id", "snap")), Event("f2", "page_view", ids: ("user_id", "snap"))]);
        var profileId = (await a.Directory.ResolveAsync("user_id:snap")).ProfileId!;
        await b.Ingestion.IngestAsync([Event("f3", "page_view", ids: ("user_id", "snap"))]);

        var snapshot = await Assert.ThrowsAnyAsync<Exception>(() => a.Grains.GetGrain<ICustomerGrain>(profileId).SnapshotAsync(force: true));
        Assert.True(Chain(snapshot).Any(x => x is Orleans.Storage.InconsistentStateException or PersonalizationEngine.Storage.InconsistentStateException), snapshot.ToString());
        var stored = await storage.States.ReadAsync("customer", profileId);
        Assert.Empty(stored!.Data); // only the claim's placeholder: the stale snapshot of f1-f2 was not written

        // The owner's snapshot is written, and a later activation anywhere sees all three events once.
        await b.Grains.GetGrain<ICustomerGrain>(profileId).SnapshotAsync(force: true);
        await b.StopAsync();
        await a.CollectIdleAsync();
        Assert.Equal(3, (await a.Customers.GetProfileAsync(profileId))!.EventCount);
    }

    [Fact]
    public async Task Without_fencing_one_node_claims_nothing()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await StartAsync(storage, snapshotEvery: 1000);
        await host.Ingestion.IngestAsync([Event("n1", "page_view", ids: ("user_id", "single"))]);
        var profileId = (await host.Directory.ResolveAsync("user_id:single")).ProfileId!;
        // No claim was made: the first claim of this stream now is epoch 1.
        Assert.Equal(1, await storage.ClaimWriterAsync("customer", profileId));
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException agg) foreach (var inner in agg.InnerExceptions.SelectMany(Chain)) yield return inner;
        }
    }
}
