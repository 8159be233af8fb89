using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Storage.Configuration;

namespace PersonalizationEngine.Storage.Journal;

/// <summary>
/// Group commit shared by the durable journals: every <see cref="AppendAsync"/> is queued on a bounded channel, and one
/// background writer drains up to <see cref="JournalOptions.MaxBatchSize"/> entries, writes them in a single
/// transaction, and only after the commit completes each caller's task. A failed commit faults every caller of that
/// batch, so nothing is ever acknowledged before it is durable (DESIGN.md "Durability contract").
/// </summary>
public abstract class GroupCommitJournal : IEventJournal, IAsyncDisposable
{
    private readonly Channel<PendingAppend> _queue;
    private readonly JournalOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startGate = new();
    private Task? _writer;
    private bool _failing;

    protected GroupCommitJournal(string providerName, JournalOptions options, ILogger logger)
    {
        ProviderName = providerName;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    protected string ProviderName { get; }

    /// <summary>The sequence <see cref="WriteBatchAsync"/> reports for an entry refused by fencing.</summary>
    protected const long Fenced = -1;

    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken = default)
    {
        if (entries is null)
        {
            return Task.FromException<IReadOnlyList<long>>(new ArgumentNullException(nameof(entries)));
        }

        if (entries.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<long>>([]);
        }

        EnsureWriterStarted();
        var pending = new PendingAppend(entries);
        if (!_queue.Writer.TryWrite(pending))
        {
            return AppendSlowAsync(pending, cancellationToken);
        }

        // The common case hands out the completion's own task: no async state machine per call, and the caller's
        // continuation is the only one the commit schedules. Cancelling stops the wait only: once queued the
        // entries may still be committed, exactly as if the acknowledgement were lost on the wire. Callers retry
        // with the same event ids (issue 5 deduplicates).
        return cancellationToken.CanBeCanceled ? pending.Completion.Task.WaitAsync(cancellationToken) : pending.Completion.Task;
    }

    private async Task<IReadOnlyList<long>> AppendSlowAsync(PendingAppend pending, CancellationToken cancellationToken)
    {
        await EnqueueSlowAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public abstract IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, CancellationToken cancellationToken = default);

    public abstract Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default);

    public abstract Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default);

    /// <summary>Stops intake, lets the writer commit what is queued, then returns.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        Task? writer;
        lock (_startGate)
        {
            writer = _writer;
        }

        if (writer is not null)
        {
            await writer.ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Writes the entries in one transaction and returns their sequences in input order; throws when nothing was committed.
    /// A fenced entry whose epoch is stale is not written and gets <see cref="Fenced"/> as its sequence.
    /// </summary>
    protected abstract Task<long[]> WriteBatchAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken);

    private async Task EnqueueSlowAsync(PendingAppend pending, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.EnqueueTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _queue.Writer.WriteAsync(pending, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var waited = Stopwatch.GetElapsedTime(started);
            _logger.JournalOverloaded(ProviderName, waited.TotalMilliseconds);
            throw new JournalOverloadedException(waited);
        }
        catch (ChannelClosedException ex)
        {
            throw new StorageUnavailableException("The event journal is shutting down; nothing was appended.", ex);
        }
    }

    private void EnsureWriterStarted()
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        lock (_startGate)
        {
            // Started lazily so a provider that is only read from (or only initialised) owns no background task.
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>();
        var entries = new List<JournalAppend>(_options.MaxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                entries.Clear();
                Drain(reader, batch, entries);
                if (entries.Count < _options.MaxBatchSize && _options.MaxBatchDelay > TimeSpan.Zero)
                {
                    await Task.Delay(_options.MaxBatchDelay).ConfigureAwait(false);
                    Drain(reader, batch, entries);
                }

                await CommitAsync(batch, entries).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Unreachable by design (CommitAsync catches); logged and rethrown rather than swallowed.
            _logger.JournalWriterCrashed(ex, ProviderName);
            throw;
        }
    }

    private void Drain(ChannelReader<PendingAppend> reader, List<PendingAppend> batch, List<JournalAppend> entries)
    {
        // A call is never split across transactions, so its entries commit (or fail) together.
        while (entries.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
        {
            batch.Add(pending);
            entries.AddRange(pending.Entries);
        }
    }

    private async Task CommitAsync(List<PendingAppend> batch, List<JournalAppend> entries)
    {
        long[] sequences;
        try
        {
            sequences = await WriteBatchAsync(entries, _stopping.Token).ConfigureAwait(false);
            if (sequences.Length != entries.Count)
            {
                throw new InvalidOperationException($"Journal commit returned {sequences.Length} sequences for {entries.Count} entries.");
            }
        }
        catch (Exception ex)
        {
            _failing = true;
            _logger.JournalCommitFailed(ex, ProviderName, entries.Count, batch.Count);
            var failure = new StorageUnavailableException("The event journal could not commit the append; nothing in it was acknowledged.", ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(failure);
            }

            // Back off so an outage costs one attempt per interval, not a hot loop; queued callers meanwhile
            // wait at most their enqueue timeout, then get JournalOverloadedException.
            await Task.Delay(_options.FailureBackoff).ConfigureAwait(false);
            return;
        }

        if (_failing)
        {
            _failing = false;
            _logger.JournalRecovered(ProviderName);
        }

        var offset = 0;
        foreach (var pending in batch)
        {
            var count = pending.Entries.Count;
            var mine = new ArraySegment<long>(sequences, offset, count);
            var fenced = mine.AsSpan().IndexOf(Fenced);
            if (fenced >= 0)
            {
                var e = pending.Entries[fenced];
                pending.Completion.TrySetException(new StaleWriterException(e.StreamKey, e.Epoch));
            }
            else
            {
                pending.Completion.TrySetResult(mine.ToArray());
            }
            offset += count;
        }
    }
}
