using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// A snapshot names the last journal sequence its profile includes, and replay after it starts from there. Orleans runs
/// the storage write a scheduler turn after <c>WriteStateAsync</c> is called (its storage bridge yields first), and
/// ingest batches interleave with the snapshot call, so a batch applied in between must not move the stored sequence
/// past the sealed profile: its events would be skipped by every later replay (acknowledged, then lost on a crash).
/// </summary>
public sealed class SnapshotConsistencyTests
{
    [Fact]
    public async Task Every_snapshot_includes_exactly_the_journal_entries_up_to_the_sequence_it_names()
    {
        var storage = new InMemoryStorageProvider();
        var writes = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        // The journal keeps every entry (no compaction), so each stored snapshot can be checked against it afterwards.
        var keepAll = new Dictionary<string, string?> { ["Engine:UnmergeRetainEvents"] = "100000" };
        var acknowledged = 0;
        string profileId;
        await using (var first = await StartAsync(new AsyncJournalStorage(storage, writes), snapshotEvery: 2, settings: keepAll))
        {
            await first.Ingestion.IngestAsync([Event("s-0", "page_view", ids: ("user_id", "snap"))]);
            acknowledged++;
            profileId = (await first.Directory.ResolveAsync("user_id:snap")).ProfileId!;
            // Many small batches of one busy customer at once: they interleave with the snapshots the grain asks for.
            var next = 0;
            async Task SendAsync()
            {
                int n;
                while ((n = Interlocked.Increment(ref next)) <= 1500)
                {
                    var r = await first.Ingestion.IngestAsync([Event($"s-{n}", "page_view", ids: ("user_id", "snap"))]);
                    Assert.Equal(IngestStatus.Accepted, r.Items[0].Status);
                    Interlocked.Increment(ref acknowledged);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(SendAsync)));
            Assert.Equal(1501, (await first.ProfileAsync("user_id:snap")).EventCount);

            var protector = await first.Services<PersonalizationEngine.Grains.Protection.EngineKeys>().ProtectorAsync();
            var dataKey = await new PersonalizationEngine.Grains.Protection.CustomerKeyStore(storage, protector).GetAsync(profileId, default);
            var sequences = new List<long>();
            await foreach (var e in storage.Journal.ReadAsync(profileId, 0)) sequences.Add(e.Sequence);
            var checkedSnapshots = 0;
            foreach (var bytes in writes)
            {
                var record = System.Text.Json.JsonSerializer.Deserialize<PersonalizationEngine.Grains.Customers.CustomerGrainState>(bytes, System.Text.Json.JsonSerializerOptions.Web)!;
                if (record.Sealed is null) continue;
                var profile = System.Text.Json.JsonSerializer.Deserialize<PersonalizationEngine.Domain.Profiles.CustomerProfile>(
                    PersonalizationEngine.Grains.Protection.CustomerDataProtector.Open(dataKey!, profileId, record.Sealed), System.Text.Json.JsonSerializerOptions.Web)!;
                // One event per entry: a snapshot that names sequence N holds exactly the events of the entries up to N.
                Assert.Equal(sequences.Count(q => q <= record.JournalSequence), profile.EventCount);
                checkedSnapshots++;
            }
            Assert.True(checkedSnapshots > 10, $"{checkedSnapshots} snapshots were written");
            first.Abandon(); // killed: whatever the snapshots and the journal hold is all there is
        }

        await using var second = await StartAsync(storage, snapshotEvery: 2, settings: keepAll);
        Assert.Equal(acknowledged, (await second.ProfileAsync("user_id:snap")).EventCount);
    }

    /// <summary>Appends complete on another thread, as a database's do; customer snapshots are recorded as written.</summary>
    private sealed class AsyncJournalStorage(IStorageProvider inner, System.Collections.Concurrent.ConcurrentQueue<byte[]> writes) : IStorageProvider
    {
        public string Name => inner.Name;
        public IGrainStateStore States => new RecordingStates(inner.States, writes);
        public IEventJournal Journal => new AsyncJournal(inner.Journal);
        public IReminderStore Reminders => inner.Reminders;
        public Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ClaimWriterAsync(grainType, key, cancellationToken);
        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);
        public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => inner.IsHealthyAsync(cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class RecordingStates(IGrainStateStore inner, System.Collections.Concurrent.ConcurrentQueue<byte[]> writes) : IGrainStateStore
        {
            public Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ReadAsync(grainType, key, cancellationToken);
            public Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ReadVersionAsync(grainType, key, cancellationToken);
            public Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(grainType, key, cancellationToken);

            public async Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default)
            {
                var version = await inner.WriteAsync(grainType, key, data, expectedVersion, cancellationToken);
                if (grainType == "customer") writes.Enqueue(data.ToArray());
                return version;
            }
        }

        private sealed class AsyncJournal(IEventJournal inner) : IEventJournal
        {
            public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken = default)
            {
                await Task.Yield();
                return await inner.AppendAsync(entries, cancellationToken).ConfigureAwait(false);
            }

            public IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, CancellationToken cancellationToken = default) => inner.ReadAsync(streamKey, afterSequence, cancellationToken);
            public Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default) => inner.TrimAsync(streamKey, upToSequence, keepLast, cancellationToken);
            public Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default) => inner.DeleteStreamAsync(streamKey, cancellationToken);
        }
    }
}
