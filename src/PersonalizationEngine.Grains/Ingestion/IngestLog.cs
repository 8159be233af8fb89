using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Protection;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Ingestion;

/// <summary>
/// The durable ingest log of log-first ingestion: one sealed entry per acknowledged request, in the event journal's own
/// stream <see cref="Stream"/> (so it shares the journal's group commit and every store supports it), removed once
/// applied. Entries are sealed under a key per segment (<see cref="IngestLogOptions.SegmentDuration"/>); a segment's key
/// is destroyed once every entry of it is applied, so what an erased customer sent is unreadable in the log too
/// (crypto-shredding, as for the customers' own journals). Single node: one writer and one reader per store.
/// </summary>
public sealed class IngestLog(IStorageProvider storage, EngineKeys keys, IOptions<IngestLogOptions> options, TimeProvider time)
{
    public const string Stream = "$ingest";
    private const string MetaType = "ingest-log";
    private const string MetaKey = "segments";
    private const string KeyPrefix = "$ingest-log:";

    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Segment> _segments = [];
    private Segment? _current;
    private Task<Segment>? _opening;
    private readonly SemaphoreSlim _metaWrite = new(1, 1);
    private IngestLogMeta _meta = new(0, 0);
    private long _metaVersion;

    /// <summary>One key's span of the log.</summary>
    public sealed class Segment(long id, byte[] key, DateTimeOffset opened)
    {
        public long Id { get; } = id;
        internal byte[] Key { get; } = key;
        internal DateTimeOffset Opened { get; } = opened;
        internal int Pending;
    }

    /// <summary>An entry read back at start: appended (acknowledged) but not applied before the node stopped.</summary>
    public sealed record Recovered(long Position, Segment Segment, IReadOnlyList<CustomerEvent> Events);

    /// <summary>Segments whose key still exists (for tests and the operations view).</summary>
    public int LiveSegments { get { lock (_gate) return _segments.Count; } }

    /// <summary>The segment new entries go to, opening a new one (a new key) when the current one is old enough.</summary>
    public ValueTask<Segment> CurrentAsync()
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && time.GetUtcNow() - current.Opened < options.Value.SegmentDuration)
        {
            return ValueTask.FromResult(current);
        }
        lock (_gate)
        {
            if (_current is not null && time.GetUtcNow() - _current.Opened < options.Value.SegmentDuration) return ValueTask.FromResult(_current);
            _opening ??= OpenAsync();
            return new ValueTask<Segment>(_opening);
        }
    }

    private async Task<Segment> OpenAsync()
    {
        try
        {
            var protector = await keys.ProtectorAsync().ConfigureAwait(false);
            long id;
            lock (_gate) id = _meta.Next;
            await WriteMetaAsync(m => m with { Next = id + 1 }).ConfigureAwait(false);
            var key = await new CustomerKeyStore(storage, protector).CreateAsync(KeyPrefix + id.ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);
            var segment = new Segment(id, key, time.GetUtcNow());
            lock (_gate)
            {
                _segments[id] = segment;
                Volatile.Write(ref _current, segment);
            }
            return segment;
        }
        finally
        {
            lock (_gate) _opening = null;
        }
    }

    /// <summary>
    /// Starts the durable append of one request's events (group-committed with every other append) and counts the entry
    /// as pending in its segment; the task completes with the entry's log position once it is durable. Call
    /// <see cref="Settled"/> once the entry is applied, or when its append failed.
    /// </summary>
    public Task<long> AppendAsync(Segment segment, IReadOnlyList<CustomerEvent> events)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(events, IngestLogJsonContext.Default.IReadOnlyListCustomerEvent);
        var payload = CustomerDataProtector.Seal(segment.Key, KeyPrefix + segment.Id.ToString(CultureInfo.InvariantCulture), json);
        Interlocked.Increment(ref segment.Pending);
        var append = storage.Journal.AppendAsync([new JournalAppend(Stream, SegmentName(segment.Id), payload)]);
        return PositionAsync(append);

        static async Task<long> PositionAsync(Task<IReadOnlyList<long>> append) => (await append.ConfigureAwait(false))[0];
    }

    /// <summary>The entry is applied (or was never stored): its segment needs it no more.</summary>
    public static void Settled(Segment segment) => Interlocked.Decrement(ref segment.Pending);

    /// <summary>
    /// Removes the applied entries up to <paramref name="position"/> from the log and destroys the keys of finished
    /// segments (every entry settled, and not the segment new entries go to).
    /// </summary>
    public async Task TrimAsync(long position, CancellationToken cancellationToken = default)
    {
        if (position > 0)
        {
            await storage.Journal.TrimAsync(Stream, position, 0, cancellationToken).ConfigureAwait(false);
        }
        List<Segment> finished = [];
        lock (_gate)
        {
            foreach (var s in _segments.Values)
            {
                if (ReferenceEquals(s, _current) || Volatile.Read(ref s.Pending) > 0) break; // keys go oldest first
                finished.Add(s);
            }
        }
        if (finished.Count == 0) return;
        var protector = await keys.ProtectorAsync().ConfigureAwait(false);
        var store = new CustomerKeyStore(storage, protector);
        foreach (var s in finished)
        {
            await store.DestroyAsync(KeyPrefix + s.Id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            lock (_gate) _segments.Remove(s.Id);
        }
        long oldest;
        lock (_gate) oldest = _segments.Count > 0 ? _segments.Keys.First() : _meta.Next;
        await WriteMetaAsync(m => m with { Oldest = oldest }).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads every entry left in the log (acknowledged, not yet applied) with its segment, in log order, and destroys the
    /// keys of segments that no entry needs any more. Call once at start, before the first append.
    /// </summary>
    public async Task<IReadOnlyList<Recovered>> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var protector = await keys.ProtectorAsync().ConfigureAwait(false);
        var store = new CustomerKeyStore(storage, protector);
        var stored = await storage.States.ReadAsync(MetaType, MetaKey, cancellationToken).ConfigureAwait(false);
        if (stored is { Data.Length: > 0 })
        {
            _meta = JsonSerializer.Deserialize(stored.Data, IngestLogJsonContext.Default.IngestLogMeta)!;
            _metaVersion = stored.Version;
        }
        var found = new List<Recovered>();
        await foreach (var entry in storage.Journal.ReadAsync(Stream, 0, cancellationToken).ConfigureAwait(false))
        {
            var id = long.Parse(entry.EventId.AsSpan(1), CultureInfo.InvariantCulture);
            if (!_segments.TryGetValue(id, out var segment))
            {
                var key = await store.GetAsync(KeyPrefix + id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                if (key is null) continue; // shredded: unreadable by design
                _segments[id] = segment = new Segment(id, key, DateTimeOffset.MinValue);
            }
            var plain = CustomerDataProtector.Open(segment.Key, KeyPrefix + id.ToString(CultureInfo.InvariantCulture), entry.Payload);
            var events = JsonSerializer.Deserialize(plain, IngestLogJsonContext.Default.IReadOnlyListCustomerEvent)!;
            segment.Pending++;
            found.Add(new Recovered(entry.Sequence, segment, events));
        }
        for (var id = _meta.Oldest; id < _meta.Next; id++)
        {
            if (!_segments.ContainsKey(id))
            {
                await store.DestroyAsync(KeyPrefix + id.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
            }
        }
        var oldest = _segments.Count > 0 ? _segments.Keys.First() : _meta.Next;
        if (oldest != _meta.Oldest) await WriteMetaAsync(m => m with { Oldest = oldest }).ConfigureAwait(false);
        return found;
    }

    private async Task WriteMetaAsync(Func<IngestLogMeta, IngestLogMeta> change)
    {
        await _metaWrite.WaitAsync().ConfigureAwait(false);
        try
        {
            IngestLogMeta next;
            long expected;
            lock (_gate)
            {
                next = change(_meta);
                expected = _metaVersion;
            }
            var version = await storage.States.WriteAsync(MetaType, MetaKey, JsonSerializer.SerializeToUtf8Bytes(next, IngestLogJsonContext.Default.IngestLogMeta), expected).ConfigureAwait(false);
            lock (_gate)
            {
                _meta = next;
                _metaVersion = version;
            }
        }
        finally
        {
            _metaWrite.Release();
        }
    }

    private static string SegmentName(long id) => "s" + id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The ingest log's meta record: the range of segment ids whose key may still exist.</summary>
internal sealed record IngestLogMeta(long Oldest, long Next);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<CustomerEvent>))]
[JsonSerializable(typeof(IngestLogMeta))]
internal sealed partial class IngestLogJsonContext : JsonSerializerContext;
