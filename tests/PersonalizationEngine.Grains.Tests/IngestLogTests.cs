using Microsoft.Extensions.DependencyInjection;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// Log-first ingestion (<see cref="IngestAcknowledgement.Durable"/>): a request is acknowledged once durable in the ingest
/// log and applied behind it, in order, once; reads wait for what was acknowledged; a crash loses nothing acknowledged;
/// the backlog is bounded; an erasure cannot be undone by events acknowledged before it.
/// </summary>
public sealed class IngestLogTests
{
    private static Dictionary<string, string?> LogFirst(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["Ingest:Acknowledge"] = "Durable" };
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }

    private static RawEvent View(string id, string user) => EngineHost.Event(id, "product_view", ids: ("user_id", user));

    private static async Task<long> LogEntriesAsync(IStorageProvider storage)
    {
        var n = 0L;
        await foreach (var _ in storage.Journal.ReadAsync(IngestLog.Stream, 0)) n++;
        return n;
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 500 && !await condition(); i++) await Task.Delay(10);
        Assert.True(await condition());
    }

    [Fact]
    public async Task An_acknowledged_batch_is_applied_behind_the_log_and_a_read_that_follows_sees_it()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await EngineHost.StartAsync(storage, settings: LogFirst());
        Assert.True(host.Ingestion.LogFirst);

        var acked = await host.Ingestion.IngestAsync([View("a1", "ann"), View("a2", "ann"), View("b1", "bob")]);
        Assert.All(acked.Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
        Assert.All(acked.Items, i => Assert.Null(i.ProfileId)); // not resolved yet when acknowledged

        // Read-your-writes: the directory waits for what was acknowledged for the identifier.
        Assert.Equal(2, (await host.ProfileAsync("user_id:ann")).EventCount);
        Assert.Equal(1, (await host.ProfileAsync("user_id:bob")).EventCount);
        Assert.Equal(0, host.Ingestion.BacklogEvents);
        await WaitUntil(async () => await LogEntriesAsync(storage) == 0); // applied entries leave the log

        // Asking to wait for application gives the exact outcomes.
        var exact = await host.Ingestion.IngestAsync([View("a1", "ann"), View("a3", "ann")], waitForApplied: true);
        Assert.Equal(IngestStatus.Duplicate, exact.Items[0].Status);
        Assert.Equal(IngestStatus.Accepted, exact.Items[1].Status);
        Assert.NotNull(exact.Items[1].ProfileId);
        Assert.Equal(3, (await host.ProfileAsync("user_id:ann")).EventCount);
    }

    [Fact]
    public async Task Nothing_is_applied_before_it_is_durable_and_concurrent_batches_apply_each_event_once()
    {
        var storage = new GatedStorage(new InMemoryStorageProvider());
        await using var host = await EngineHost.StartAsync(storage, settings: LogFirst());

        storage.Close(); // the log itself cannot commit
        var pending = host.Ingestion.IngestAsync([View("x1", "xena")]);
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);
        Assert.Equal(0, host.Ingestion.AcceptedTotal); // nothing applied while nothing is durable
        storage.Open();
        await pending;
        Assert.Equal(1, (await host.ProfileAsync("user_id:xena")).EventCount);

        // 40 concurrent requests over 8 customers; every event id is sent twice (a client retrying).
        var batches = Enumerable.Range(0, 40).Select(r => (IReadOnlyList<RawEvent>)Enumerable.Range(0, 10)
            .Select(i => View($"c{r % 20}-{i}", "u" + ((r % 20 + i) % 8))).ToList()).ToList();
        await Task.WhenAll(batches.Select(b => host.Ingestion.IngestAsync(b)));
        var total = 0L;
        for (var u = 0; u < 8; u++) total += (await host.ProfileAsync("user_id:u" + u)).EventCount;
        Assert.Equal(200, total); // 20 distinct requests x 10 distinct events, each applied exactly once
        Assert.Equal(0, host.Ingestion.BacklogEvents);
    }

    [Fact]
    public async Task Beyond_the_backlog_limit_a_batch_is_refused_whole_and_the_backlog_drains_once_customers_can_be_written()
    {
        var storage = new GatedStorage(new InMemoryStorageProvider());
        await using var host = await EngineHost.StartAsync(storage, settings: LogFirst(("Ingest:MaxBacklogEvents", "5")));
        await host.Ingestion.IngestAsync([View("warm", "w")], waitForApplied: true);

        storage.CloseCustomerJournals(); // the log commits, the customers' journals cannot: nothing can be applied
        Assert.All((await host.Ingestion.IngestAsync([View("p1", "pat"), View("p2", "pat"), View("p3", "pat")])).Items, i => Assert.Equal(IngestStatus.Accepted, i.Status));
        Assert.Equal(3, host.Ingestion.BacklogEvents);
        var refused = await Assert.ThrowsAsync<IngestOverloadedException>(() => host.Ingestion.IngestAsync([View("q1", "quinn"), View("q2", "quinn"), View("q3", "quinn")]));
        Assert.Contains("limit 5", refused.Message);
        Assert.Equal(3, host.Ingestion.BacklogEvents); // the refusal released what it reserved
        await host.Ingestion.IngestAsync([View("r1", "rory"), View("r2", "rory")]); // 3 + 2 fits exactly
        Assert.Contains("limit 5", host.Ingestion.BacklogRefusal()); // the routes refuse before reading a body

        storage.OpenCustomerJournals();
        Assert.Equal(3, (await host.ProfileAsync("user_id:pat")).EventCount);
        Assert.Equal(2, (await host.ProfileAsync("user_id:rory")).EventCount);
        Assert.Equal(0, host.Ingestion.BacklogEvents);
        Assert.Null(host.Ingestion.BacklogRefusal());
        Assert.False((await host.Directory.ResolveAsync("user_id:quinn")).Found); // nothing of the refused batch was stored
    }

    [Fact]
    public async Task Entries_left_in_the_log_by_a_crash_are_applied_at_the_next_start_exactly_once_and_their_key_is_destroyed()
    {
        var store = new InMemoryStorageProvider();
        var first = await EngineHost.StartAsync(store, settings: LogFirst(("Ingest:DrainOnStop", "00:00:01")));
        await first.Ingestion.IngestAsync([View("r1", "rita")], waitForApplied: true);
        // An entry durable in the log that the applier never took (the node died right after the commit): r1 again and r2.
        var log = first.Services<IngestLog>();
        var segment = await log.CurrentAsync();
        var standardized = new[] { "r1", "r2" }.Select(id => first.Ingestion.Standardizer.Standardize(View(id, "rita"), DateTimeOffset.UtcNow).Event!).ToList();
        await log.AppendAsync(segment, standardized);
        first.Abandon();

        await using var second = await EngineHost.StartAsync(store, settings: LogFirst());
        Assert.Equal(2, (await second.ProfileAsync("user_id:rita")).EventCount); // r2 applied, r1 recognised
        await WaitUntil(async () => await LogEntriesAsync(store) == 0);
        await WaitUntil(() => Task.FromResult(second.Services<IngestLog>().LiveSegments == 0));
        Assert.Null(await store.States.ReadAsync(Protection.CustomerKeyStore.RecordType, "$ingest-log:" + segment.Id)); // shredded
    }

    [Fact]
    public async Task An_erasure_waits_for_what_was_acknowledged_before_it_so_nothing_brings_the_customer_back()
    {
        var storage = new GatedStorage(new InMemoryStorageProvider());
        await using var host = await EngineHost.StartAsync(storage, settings: LogFirst());
        await host.Ingestion.IngestAsync([View("e1", "eve")], waitForApplied: true);
        var profile = (await host.Directory.ResolveAsync("user_id:eve")).ProfileId!;

        storage.CloseCustomerJournals();
        await host.Ingestion.IngestAsync([View("e2", "eve")]); // acknowledged, not yet applied
        var erase = host.Customers.EraseAsync(profile);
        await Task.Delay(100);
        Assert.False(erase.IsCompleted); // waiting for e2 to be applied first
        storage.OpenCustomerJournals();
        await erase;

        Assert.False((await host.Directory.ResolveAsync("user_id:eve")).Found);
        Assert.Equal(0, host.Ingestion.BacklogEvents);
    }
}
