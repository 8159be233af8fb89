using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.InMemory;
using PersonalizationEngine.Storage.Sqlite;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>Unmerge with the default settings: no events in memory, both sides rebuilt from the events the journal retains.</summary>
public sealed class UnmergeTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task Three_channels_merge_into_one_profile_and_unmerge_restores_both_sides(string store)
    {
        var dir = Directory.CreateTempSubdirectory("pe-unmerge-");
        try
        {
            IStorageProvider storage = store == "memory"
                ? new InMemoryStorageProvider()
                : new SqliteStorageProvider(new SqliteStorageOptions { Path = Path.Combine(dir.FullName, "engine.db") });
            // Snapshots after every 2 events: the journal is compacted (keeping the newest 64) all along.
            await using var host = await StartAsync(storage, snapshotEvery: 2);
            await host.Ingestion.IngestAsync([Event("web1", "page_view", channel: "web", ids: ("anonymous_id", "shared-tablet"))]);
            await host.Ingestion.IngestAsync([Event("store1", "purchase", channel: "store", ids: ("loyalty_id", "L-1"))]);
            await host.Ingestion.IngestAsync([Event("mail1", "email_open", channel: "email", ids: ("email", "erin@example.com"))]);
            // A login on the shared tablet links the web visitor to Erin's loyalty card and e-mail.
            await host.Ingestion.IngestAsync([Event("link1", "login", channel: "web", ids: [("anonymous_id", "shared-tablet"), ("loyalty_id", "L-1"), ("email", "erin@example.com")])]);
            var merged = await host.ProfileAsync("email:erin@example.com");
            Assert.Equal(4, merged.EventCount);
            Assert.Equal(merged.ProfileId, (await host.ProfileAsync("loyalty_id:L-1")).ProfileId);
            Assert.Equal(merged.ProfileId, (await host.ProfileAsync("anonymous_id:shared-tablet")).ProfileId);
            // The absorbed profiles' events moved into the survivor's stream before theirs were deleted.
            Assert.Equal(["link1", "mail1", "store1", "web1"], (await EventIdsAsync(host, merged.ProfileId)).Order());

            // The tablet was someone else's: split it off with the events only it carried.
            var split = await host.Customers.UnmergeAsync(merged.ProfileId, new HashSet<string> { "anonymous_id:shared-tablet" });
            Assert.NotNull(split);
            Assert.True(split.Value.Exact);
            var erin = await host.ProfileAsync("email:erin@example.com");
            var tablet = await host.ProfileAsync("anonymous_id:shared-tablet");
            Assert.NotEqual(erin.ProfileId, tablet.ProfileId);
            Assert.Equal(split.Value.NewProfileId, tablet.ProfileId);
            // web1 and link1 carried the tablet id; store1 and mail1 stay with Erin.
            Assert.Equal(2, tablet.EventCount);
            Assert.Equal(2, erin.EventCount);
            Assert.False(erin.Identifiers.ContainsKey("anonymous_id"));
            Assert.Equal(["anonymous_id"], tablet.Identifiers.Keys);
            Assert.Equal(erin.ProfileId, (await host.ProfileAsync("loyalty_id:L-1")).ProfileId);
            // Each stream now holds exactly its side's events, so either side can be split again exactly.
            Assert.Equal(["mail1", "store1"], (await EventIdsAsync(host, erin.ProfileId)).Order());
            Assert.Equal(["link1", "web1"], (await EventIdsAsync(host, tablet.ProfileId)).Order());
            var again = await host.Customers.UnmergeAsync(erin.ProfileId, new HashSet<string> { "loyalty_id:L-1" });
            Assert.True(again!.Value.Exact);
            Assert.Equal(1, (await host.Customers.GetProfileAsync(again.Value.NewProfileId))!.EventCount);
            Assert.Equal(1, (await host.ProfileAsync("email:erin@example.com")).EventCount);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(true);
        }
    }

    [Fact]
    public async Task Unmerge_beyond_the_retained_events_redistributes_them_and_says_it_was_not_exact()
    {
        var retain = new Dictionary<string, string?> { ["Engine:UnmergeRetainEvents"] = "3" };
        await using var host = await StartAsync(new InMemoryStorageProvider(), snapshotEvery: 2, settings: retain);
        for (var i = 0; i < 5; i++)
        {
            var r = await host.Ingestion.IngestAsync([Event($"v{i}", "page_view", $"2026-11-20T10:0{i}:00Z", ids: [("email", "fay@example.com"), ("anonymous_id", "kiosk")])]);
            // A due snapshot is written by a call of its own after the acknowledgement; this call runs after it.
            await host.Grains.GetGrain<ICustomerGrain>(r.Items[0].ProfileId!).SnapshotAsync(force: false);
        }
        var fay = await host.ProfileAsync("email:fay@example.com");
        Assert.Equal(5, fay.EventCount);
        // The snapshot after 4 events kept the newest 3 entries: v0 is gone from the journal.
        Assert.Equal(["v1", "v2", "v3", "v4"], (await EventIdsAsync(host, fay.ProfileId)).Order());

        var split = await host.Customers.UnmergeAsync(fay.ProfileId, new HashSet<string> { "anonymous_id:kiosk" });
        Assert.False(split!.Value.Exact);
        Assert.Equal(4, (await host.Customers.GetProfileAsync(split.Value.NewProfileId))!.EventCount);
    }

    [Fact]
    public async Task A_retried_absorb_after_a_crash_moves_each_event_once()
    {
        var inner = new InMemoryStorageProvider();
        var storage = new FailingStorage(inner);
        var first = await StartAsync(storage);
        await first.Ingestion.IngestAsync([Event("a1", "page_view", ids: ("email", "gil@example.com")), Event("a2", "purchase", ids: ("email", "gil@example.com"))]);
        await first.Ingestion.IngestAsync([Event("b1", "page_view", ids: ("user_id", "hal")), Event("b2", "page_view", ids: ("user_id", "hal"))]);
        var loser = (await first.ProfileAsync("email:gil@example.com")).ProfileId;
        var survivor = (await first.ProfileAsync("user_id:hal")).ProfileId;

        // The survivor appends the loser's events, then its snapshot fails and the process dies.
        var export = await first.Grains.GetGrain<ICustomerGrain>(loser).ExportForMergeAsync();
        storage.FailWriteOf = survivor;
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.Grains.GetGrain<ICustomerGrain>(survivor).AbsorbAsync(export!));
        first.Abandon();

        await using var second = await StartAsync(storage);
        Assert.Equal(2, (await second.Customers.GetProfileAsync(survivor))!.EventCount); // the history was not replayed as new events
        export = await second.Grains.GetGrain<ICustomerGrain>(loser).ExportForMergeAsync();
        await second.Grains.GetGrain<ICustomerGrain>(survivor).AbsorbAsync(export!);
        await second.Grains.GetGrain<ICustomerGrain>(survivor).AbsorbAsync(export!);
        Assert.Equal(["a1", "a2", "b1", "b2"], (await EventIdsAsync(second, survivor)).Order());
        Assert.Equal(4, (await second.Customers.GetProfileAsync(survivor))!.EventCount);

        var split = await second.Customers.UnmergeAsync(survivor, new HashSet<string> { "email:gil@example.com" });
        Assert.True(split!.Value.Exact);
        Assert.Equal(2, (await second.Customers.GetProfileAsync(split.Value.NewProfileId))!.EventCount);
        Assert.Equal(2, (await second.Customers.GetProfileAsync(survivor))!.EventCount);
    }

    [Fact]
    public async Task Erasure_after_merge_and_unmerge_leaves_no_journal_entry_or_key()
    {
        var storage = new InMemoryStorageProvider();
        await using var host = await StartAsync(storage, snapshotEvery: 2);
        await host.Ingestion.IngestAsync([Event("i1", "page_view", ids: ("anonymous_id", "phone-1"))]);
        await host.Ingestion.IngestAsync([Event("i2", "purchase", ids: ("email", "ida@example.com"))]);
        var absorbed = (await host.ProfileAsync("email:ida@example.com")).ProfileId;
        await host.Ingestion.IngestAsync([Event("i3", "login", ids: [("anonymous_id", "phone-1"), ("email", "ida@example.com")])]);
        var ida = (await host.ProfileAsync("email:ida@example.com")).ProfileId;
        var split = await host.Customers.UnmergeAsync(ida, new HashSet<string> { "anonymous_id:phone-1" });

        await host.Customers.EraseAsync(ida);
        await host.Customers.EraseAsync(split!.Value.NewProfileId);
        foreach (var id in new[] { ida, absorbed, split.Value.NewProfileId })
        {
            Assert.Empty(await EventIdsAsync(host, id));
            Assert.Null(await storage.States.ReadAsync("customer-key", id));
        }
        Assert.False((await host.Directory.ResolveAsync("email:ida@example.com")).Found);
        Assert.False((await host.Directory.ResolveAsync("anonymous_id:phone-1")).Found);
    }

    /// <summary>The event ids in a customer's journal stream (history entries named <c>origin:eventId</c> reduced to the event id).</summary>
    private static async Task<List<string>> EventIdsAsync(EngineHost host, string profileId)
    {
        var ids = new List<string>();
        await foreach (var entry in host.Storage.Journal.ReadAsync(profileId, 0)) ids.Add(entry.EventId[(entry.EventId.LastIndexOf(':') + 1)..]);
        return ids;
    }

    /// <summary>A store whose next state write of one grain fails (a crash between a journal append and the snapshot).</summary>
    private sealed class FailingStorage(IStorageProvider inner) : IStorageProvider, IGrainStateStore
    {
        public string? FailWriteOf { get; set; }

        public string Name => inner.Name;
        public IGrainStateStore States => this;
        public IEventJournal Journal => inner.Journal;
        public IReminderStore Reminders => inner.Reminders;
        public Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ClaimWriterAsync(grainType, key, cancellationToken);
        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);
        public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => inner.IsHealthyAsync(cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();

        public Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.States.ReadAsync(grainType, key, cancellationToken);

        public Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.States.ReadVersionAsync(grainType, key, cancellationToken);

        public Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default)
        {
            if (grainType == "customer" && key == FailWriteOf)
            {
                FailWriteOf = null;
                throw new InvalidOperationException("The state store went away.");
            }
            return inner.States.WriteAsync(grainType, key, data, expectedVersion, cancellationToken);
        }

        public Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.States.DeleteAsync(grainType, key, cancellationToken);
    }
}
