using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;
using static PersonalizationEngine.Grains.Tests.EngineHost;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// A client's retry can reach the customer while its first attempt is still on its way there (the node that took the
/// first request died, or the gateway gave up waiting): the retry's copy of an event is then "in a batch on its way"
/// and is not appended again. If that first batch then fails, the retry must not acknowledge the event on the strength
/// of an append that never happened: a 2xx means the event is in the journal.
/// </summary>
public sealed class RetryDurabilityTests
{
    [Fact]
    public async Task A_retry_that_waited_for_a_failed_first_attempt_is_not_acknowledged_without_a_journal_entry()
    {
        var storage = new InMemoryStorageProvider();
        var failing = new FailFirstCustomerAppend(storage);
        await using (var first = await StartAsync(failing, snapshotEvery: 1000, settings: new Dictionary<string, string?> { ["Cluster:Fencing"] = "true" }))
        {
            await first.Ingestion.IngestAsync([Event("r0", "page_view", ids: ("user_id", "retry"))]);
            var profileId = (await first.Directory.ResolveAsync("user_id:retry")).ProfileId!;

            failing.Arm();
            var attempt = first.Ingestion.IngestAsync([Event("r1", "page_view", ids: ("user_id", "retry"))]);
            await failing.Entered.WaitAsync(TimeSpan.FromSeconds(10)); // the first attempt's append is on its way
            var retry = first.Ingestion.IngestAsync([Event("r1", "page_view", ids: ("user_id", "retry"))]);
            await Task.Delay(200); // the retry reaches the grain and waits behind the first attempt
            failing.Fail();       // the first attempt's commit fails: nothing of it is durable

            await Assert.ThrowsAnyAsync<Exception>(() => attempt);
            IngestBatchResult? acknowledged = null;
            try { acknowledged = await retry; } catch (Exception) { /* refused: the client retries again, which is fine */ }

            var journal = new List<string>();
            await foreach (var e in storage.Journal.ReadAsync(profileId, 0)) journal.Add(e.EventId);
            if (acknowledged is not null && acknowledged.Items[0].Status is IngestStatus.Accepted or IngestStatus.Duplicate)
            {
                Assert.Contains("r1", journal); // acknowledged, so durable
            }
            first.Abandon(); // the node dies before any snapshot
        }

        // Whatever was acknowledged survives the crash.
        await using var second = await StartAsync(storage, snapshotEvery: 1000, settings: new Dictionary<string, string?> { ["Cluster:Fencing"] = "true" });
        var again = await second.Ingestion.IngestAsync([Event("r1", "page_view", ids: ("user_id", "retry"))]);
        Assert.Equal(IngestStatus.Accepted, again.Items[0].Status); // r1 was not applied before: the client's next retry stores it
        Assert.Equal(2, (await second.ProfileAsync("user_id:retry")).EventCount);
    }

    /// <summary>Holds back the first customer-journal append after <see cref="Arm"/>, then fails it (a commit that did not happen).</summary>
    private sealed class FailFirstCustomerAppend(IStorageProvider inner) : IStorageProvider
    {
        private TaskCompletionSource? _armed;
        private TaskCompletionSource? _held;
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Arm() => Volatile.Write(ref _armed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public void Fail() => Volatile.Read(ref _held)?.TrySetException(new StorageUnavailableException("The commit failed (test)."));

        public string Name => inner.Name;
        public IGrainStateStore States => inner.States;
        public IEventJournal Journal => new FailingJournal(this, inner.Journal);
        public IReminderStore Reminders => inner.Reminders;
        public Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ClaimWriterAsync(grainType, key, cancellationToken);
        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);
        public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => inner.IsHealthyAsync(cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private sealed class FailingJournal(FailFirstCustomerAppend owner, IEventJournal inner) : IEventJournal
        {
            public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken = default)
            {
                if (entries.Any(e => e.StreamKey != IngestLog.Stream) && Interlocked.Exchange(ref owner._armed, null) is { } armed)
                {
                    Volatile.Write(ref owner._held, armed);
                    owner._entered.TrySetResult();
                    await armed.Task; // throws when the test fails it
                }
                return await inner.AppendAsync(entries, cancellationToken);
            }

            public IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, CancellationToken cancellationToken = default) => inner.ReadAsync(streamKey, afterSequence, cancellationToken);
            public Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default) => inner.TrimAsync(streamKey, upToSequence, keepLast, cancellationToken);
            public Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default) => inner.DeleteStreamAsync(streamKey, cancellationToken);
        }
    }
}
