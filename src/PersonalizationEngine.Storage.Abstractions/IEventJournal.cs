namespace PersonalizationEngine.Storage;

/// <summary>
/// An event to append to a stream of the journal. <paramref name="Epoch"/> above zero fences the append: it is written
/// only while the stream's writer epoch (<see cref="IStorageProvider.ClaimWriterAsync"/>) is still this one, else the
/// append fails with <see cref="StaleWriterException"/>. Zero appends unconditionally (one node: no duplicate activations).
/// </summary>
public sealed record JournalAppend(string StreamKey, string EventId, byte[] Payload, long Epoch = 0);

/// <summary>An event read back from the journal. Sequence numbers grow over the whole journal.</summary>
public sealed record JournalEntry(string StreamKey, long Sequence, string EventId, byte[] Payload, DateTimeOffset RecordedAt);

/// <summary>
/// Append-only event journal. Appends from concurrent callers are group-committed (many appends per
/// transaction); a returned task completes only once its entries are durable. A grain snapshot records the
/// last sequence it applied and, on activation, replays the stream after it.
/// </summary>
public interface IEventJournal
{
    /// <summary>
    /// Durably appends the entries and returns their sequence numbers, in input order. A call whose fenced entries name a
    /// stale epoch fails with <see cref="StaleWriterException"/>; its entries on that stream are not written.
    /// </summary>
    Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken = default);

    /// <summary>Reads a stream's entries with a sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a stream's entries up to and including <paramref name="upToSequence"/> (compaction after a snapshot),
    /// except the stream's newest <paramref name="keepLast"/> entries, which stay whatever their sequence (the
    /// events an unmerge re-applies); returns how many were removed.
    /// </summary>
    Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry of a stream (erasure); returns how many.</summary>
    Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default);
}
