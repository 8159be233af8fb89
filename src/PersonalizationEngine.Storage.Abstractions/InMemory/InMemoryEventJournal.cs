using System.Runtime.CompilerServices;

namespace PersonalizationEngine.Storage.InMemory;

public sealed class InMemoryEventJournal : IEventJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<JournalEntry>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _epochs = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Increments the stream's writer epoch; called by <see cref="InMemoryStorageProvider.ClaimWriterAsync"/> under its state bump.</summary>
    internal long Claim(string streamKey, Action bumpState)
    {
        lock (_gate)
        {
            var epoch = _epochs.GetValueOrDefault(streamKey) + 1;
            _epochs[streamKey] = epoch;
            bumpState();
            return epoch;
        }
    }

    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken = default)
    {
        var result = new long[entries.Count];
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            foreach (var e in entries)
            {
                if (e.Epoch > 0 && _epochs.GetValueOrDefault(e.StreamKey) != e.Epoch)
                {
                    return Task.FromException<IReadOnlyList<long>>(new StaleWriterException(e.StreamKey, e.Epoch));
                }
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var e = entries[i];
                if (!_streams.TryGetValue(e.StreamKey, out var list))
                {
                    _streams[e.StreamKey] = list = [];
                }

                result[i] = ++_sequence;
                list.Add(new JournalEntry(e.StreamKey, result[i], e.EventId, e.Payload.ToArray(), now));
            }
        }

        return Task.FromResult<IReadOnlyList<long>>(result);
    }

    public async IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        JournalEntry[] snapshot;
        lock (_gate)
        {
            snapshot = _streams.TryGetValue(streamKey, out var list) ? list.Where(e => e.Sequence > afterSequence).ToArray() : [];
        }

        foreach (var entry in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(streamKey, out var list))
            {
                return Task.FromResult(0L);
            }

            // Entries are in sequence order: those up to the sequence are a prefix, the newest keepLast the tail.
            var removed = Math.Min(list.Count(e => e.Sequence <= upToSequence), Math.Max(0, list.Count - Math.Max(0, keepLast)));
            list.RemoveRange(0, removed);
            return Task.FromResult<long>(removed);
        }
    }

    public Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<long>(_streams.Remove(streamKey, out var list) ? list.Count : 0);
        }
    }
}
