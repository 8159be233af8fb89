using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Tests;

// A store whose journal appends and customer snapshot writes can be held back (a slow database), for admission,
// durability and shedding tests.
internal sealed class GatedStorage(IStorageProvider inner) : IStorageProvider
{
    private volatile TaskCompletionSource _gate = Opened();
    private volatile TaskCompletionSource _snapshots = Opened();
    private volatile TaskCompletionSource _customerJournals = Opened();

    private static TaskCompletionSource Opened()
    {
        var t = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.SetResult();
        return t;
    }

    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    /// <summary>Holds back appends to the customers' own journal streams only (the ingest log still commits).</summary>
    public void CloseCustomerJournals() => _customerJournals = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OpenCustomerJournals() => _customerJournals.TrySetResult();

    public void CloseSnapshots() => _snapshots = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OpenSnapshots() => _snapshots.TrySetResult();

    public string Name => inner.Name;
    public IGrainStateStore States => new GatedStates(inner.States, () => _snapshots.Task);
    public IEventJournal Journal => new GatedJournal(inner.Journal, () => _gate.Task, () => _customerJournals.Task);
    public IReminderStore Reminders => inner.Reminders;
    public Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ClaimWriterAsync(grainType, key, cancellationToken);
    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => inner.IsHealthyAsync(cancellationToken);
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

internal sealed class GatedJournal(IEventJournal inner, Func<Task> gate, Func<Task>? customerGate = null) : IEventJournal
{
    public async Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken = default)
    {
        await gate().WaitAsync(cancellationToken);
        if (customerGate is not null && entries.Any(e => e.StreamKey != Ingestion.IngestLog.Stream)) await customerGate().WaitAsync(cancellationToken);
        return await inner.AppendAsync(entries, cancellationToken);
    }

    public IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, CancellationToken cancellationToken = default) => inner.ReadAsync(streamKey, afterSequence, cancellationToken);
    public Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default) => inner.TrimAsync(streamKey, upToSequence, keepLast, cancellationToken);
    public Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default) => inner.DeleteStreamAsync(streamKey, cancellationToken);
}

internal sealed class GatedStates(IGrainStateStore inner, Func<Task> gate) : IGrainStateStore
{
    public Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ReadAsync(grainType, key, cancellationToken);

    public Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.ReadVersionAsync(grainType, key, cancellationToken);

    public async Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default)
    {
        if (grainType == "customer") await gate().WaitAsync(cancellationToken);
        return await inner.WriteAsync(grainType, key, data, expectedVersion, cancellationToken);
    }

    public Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(grainType, key, cancellationToken);
}
