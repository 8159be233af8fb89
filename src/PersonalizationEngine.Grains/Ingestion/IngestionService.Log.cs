using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Hosting;

namespace PersonalizationEngine.Grains.Ingestion;

/// <summary>
/// Log-first ingestion (<see cref="IngestAcknowledgement.Durable"/>): a request's valid events are appended to the
/// durable ingest log as one entry (group-committed with every other request and journal append) and acknowledged; one
/// applier behind it takes whatever has arrived, in arrival order, resolves identities and delivers to the customers
/// (whose own journals and profiles follow exactly as in <see cref="IngestAcknowledgement.Applied"/>), then removes the
/// applied entries. A crash loses nothing acknowledged: the entries left in the log are applied at the next start, and
/// customers recognise events they already applied by id. Order per customer is arrival order; reads wait for what was
/// acknowledged for the customer they read (<see cref="AwaitAppliedAsync"/>).
/// </summary>
public sealed partial class IngestionService
{
    private static readonly Counter<long> AcknowledgedCounter = Meter.CreateCounter<long>("pe_ingest_acknowledged_events", "events", "Events acknowledged once durable in the ingest log (log-first ingestion).");
    private static readonly Histogram<double> ApplyLag = Meter.CreateHistogram<double>("pe_ingest_apply_lag", "ms", "Time from an event's acknowledgement (durable in the ingest log) to its application to the profile.");
    private static readonly Counter<long> ReadWaits = Meter.CreateCounter<long>("pe_ingest_read_waits", "reads", "Reads that waited for acknowledged events of their customer to be applied, by outcome (applied, timeout).");
    private static readonly Counter<long> ApplyFailures = Meter.CreateCounter<long>("pe_ingest_apply_failures", "rounds", "Application rounds of the ingest log that failed and were retried.");
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>("pe_ingest_apply_dropped_events", "events", "Logged events that could not be applied (not a transient failure) and were left out after retries (logged with their ids).");

    // Read-your-writes bookkeeping, fixed size whatever the number of customers (3 x 8 MB): a collision only makes a read
    // wait for someone else's events, never skip its own (links carry a fingerprint; a mismatch counts as unlinked).
    private const int SlotMask = (1 << 20) - 1;
    private readonly long[] _slots = new long[SlotMask + 1];
    private readonly long[] _links = new long[SlotMask + 1];
    private readonly long[] _profileSlots = new long[SlotMask + 1];
    private long _unlinkedTicket;
    private readonly System.Threading.Channels.Channel<LogItem> _queue = System.Threading.Channels.Channel.CreateUnbounded<LogItem>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _enqueue = new();
    private TaskCompletionSource _roundDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _ticket;
    private long _appliedTicket;
    private long _backlog;
    private Task? _applier;
    private CancellationTokenSource? _stop;
    private volatile bool _closed;
    /// <summary>The current round failed at least once and is being retried (the store or the cluster is away).</summary>
    private volatile bool _stalled;

    /// <summary>Acknowledgement-to-application lag of the most recent requests (milliseconds), for the dashboard.</summary>
    public Stats.LatencyWindow ApplyLagWindow { get; } = new(2048);

    /// <summary>Events acknowledged (durable in the ingest log) and not yet applied.</summary>
    public long BacklogEvents => Interlocked.Read(ref _backlog);

    /// <summary>
    /// The reason to refuse a request at once (before its body is read) while the backlog is at its limit, or null. No
    /// exception: under sustained overload a refused request then costs almost nothing (no parsing, no validation, no
    /// throw), and the CPU stays with the applier that works the backlog down. Counts the refusal.
    /// </summary>
    public string? BacklogRefusal()
    {
        var backlog = Interlocked.Read(ref _backlog);
        if (!LogFirst || backlog < _logOptions.MaxBacklogEvents) return null;
        RefusedCounter.Add(1);
        return $"{backlog} acknowledged events are still being applied (limit {_logOptions.MaxBacklogEvents}); nothing of this request was read.";
    }

    /// <summary>How long a refused client should wait before retrying (the Retry-After of a 503).</summary>
    public static TimeSpan RetryAfter => TimeSpan.FromSeconds(1);

    /// <summary>True when ingestion routes answer once events are durable in the ingest log.</summary>
    public bool LogFirst => _logOptions.Acknowledge == IngestAcknowledgement.Durable;

    private sealed class LogItem(long ticket, List<(int Index, CustomerEvent Event)> events, IngestLog.Segment segment, Task<long> durable, TaskCompletionSource<IngestItemResult[]>? waiter)
    {
        public long Ticket { get; } = ticket;
        public List<(int Index, CustomerEvent Event)> Events { get; } = events;
        public IngestLog.Segment Segment { get; } = segment;
        public Task<long> Durable { get; } = durable;
        public TaskCompletionSource<IngestItemResult[]>? Waiter { get; } = waiter;
        public long AcknowledgedAt { get; set; } = Stopwatch.GetTimestamp();
        public IngestItemResult[]? Results { get; set; }
    }

    /// <summary>
    /// Appends the request's events to the ingest log and answers once durable (every item <see cref="IngestStatus.Accepted"/>,
    /// profile not yet known), or, with <paramref name="waitForApplied"/>, once the applier applied them (exact outcomes).
    /// </summary>
    private async Task IngestThroughLogAsync(List<(int Index, CustomerEvent Event)> valid, IngestItemResult[] results, bool waitForApplied, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            throw new IngestOverloadedException("The engine is shutting down; nothing of this batch was stored.");
        }
        var count = valid.Count;
        var backlog = Interlocked.Add(ref _backlog, count);
        if (backlog > _logOptions.MaxBacklogEvents && backlog != count)
        {
            Interlocked.Add(ref _backlog, -count);
            RefusedCounter.Add(count);
            throw new IngestOverloadedException($"{backlog - count} acknowledged events are still being applied (limit {_logOptions.MaxBacklogEvents}); nothing of this batch was stored.");
        }
        LogItem? item = null;
        try
        {
            using var lease = Admit(count);
            var segment = await _log.CurrentAsync().ConfigureAwait(false);
            var events = new CustomerEvent[count];
            for (var i = 0; i < count; i++) events[i] = valid[i].Event;
            var durable = _log.AppendAsync(segment, events);
            var waiter = waitForApplied ? new TaskCompletionSource<IngestItemResult[]>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
            lock (_enqueue)
            {
                // The ticket order is the queue order: the applied watermark (a ticket) covers exactly what was taken before it.
                item = new LogItem(++_ticket, valid, segment, durable, waiter);
                _queue.Writer.TryWrite(item);
            }
            Mark(valid, item.Ticket);
            await durable.ConfigureAwait(false);
            item.AcknowledgedAt = Stopwatch.GetTimestamp();
        }
        catch when (item is null)
        {
            // Never queued (refused, or no segment key): release the backlog here. A queued entry whose append failed is
            // dropped by the applier, which waits for the same task, and released there.
            Interlocked.Add(ref _backlog, -count);
            throw;
        }
        AcknowledgedCounter.Add(count);
        if (item.Waiter is { } w)
        {
            var applied = await w.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < count; k++) results[valid[k].Index] = applied[k];
            return;
        }
        for (var k = 0; k < count; k++)
        {
            var (index, e) = valid[k];
            results[index] = new IngestItemResult(index, e.EventId, IngestStatus.Accepted, null, [], []);
        }
    }

    /// <summary>
    /// Notes, for read-your-writes, the newest ticket that touches each identifier of the events and, where this node already
    /// knows the profile an identifier belongs to (linked when an earlier event of it was applied), that profile: a read by
    /// another identifier of the same customer finds it there. An identifier not linked yet (a new customer, or a link this
    /// node has not seen) raises the ticket every read waits for, since it may belong to anyone until it is resolved.
    /// </summary>
    private void Mark(IReadOnlyList<(int Index, CustomerEvent Event)> events, long ticket)
    {
        var unlinked = false;
        foreach (var (_, e) in events)
        {
            foreach (var (type, value) in e.Identifiers)
            {
                var slot = Slot(type, value);
                RaiseTo(ref _slots[slot], ticket);
                var link = Volatile.Read(ref _links[slot]);
                if (link != 0 && (int)(link >> 32) == Fingerprint(type, value)) RaiseTo(ref _profileSlots[(int)link], ticket);
                else unlinked = true;
            }
        }
        if (unlinked) RaiseTo(ref _unlinkedTicket, ticket);
    }

    /// <summary>Remembers, after application, which profile each identifier of the applied events belongs to.</summary>
    private void Link(CustomerEvent e, string profileId)
    {
        var profileSlot = ProfileSlot(profileId);
        foreach (var (type, value) in e.Identifiers)
        {
            Volatile.Write(ref _links[Slot(type, value)], ((long)Fingerprint(type, value) << 32) | (uint)profileSlot);
        }
    }

    private static void RaiseTo(ref long location, long value)
    {
        var seen = Volatile.Read(ref location);
        while (seen < value)
        {
            var was = Interlocked.CompareExchange(ref location, value, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    private static int Slot(string type, string value) => HashCode.Combine(type, value) & SlotMask;

    private static int Fingerprint(string type, string value) => HashCode.Combine(value, type, 0x5bd1e995) | 1;

    private static int ProfileSlot(string profileId) => string.GetHashCode(profileId, StringComparison.Ordinal) & SlotMask;

    /// <summary>
    /// Read-your-writes, before resolving a reference: completes once every event acknowledged so far that may belong to the
    /// customer with identifier <paramref name="type"/>:<paramref name="value"/> (normalised as ingestion normalises it) is
    /// applied: those naming the identifier and those with identifiers not linked to a profile yet. Bounded by
    /// <see cref="IngestLogOptions.ReadYourWritesTimeout"/>. Immediate when nothing of the kind is pending, which is always
    /// the case with <see cref="IngestAcknowledgement.Applied"/>. Follow with <see cref="AwaitProfileAppliedAsync"/>.
    /// </summary>
    public ValueTask AwaitAppliedAsync(string type, string value, CancellationToken cancellationToken = default) =>
        AwaitTicketAsync(Math.Max(Volatile.Read(ref _slots[Slot(type, value)]), Volatile.Read(ref _unlinkedTicket)), cancellationToken);

    /// <summary>Read-your-writes for a resolved profile: events acknowledged for its known identifiers, and unlinked ones.</summary>
    public ValueTask AwaitProfileAppliedAsync(string profileId, CancellationToken cancellationToken = default) =>
        AwaitTicketAsync(Math.Max(Volatile.Read(ref _profileSlots[ProfileSlot(profileId)]), Volatile.Read(ref _unlinkedTicket)), cancellationToken);

    /// <summary>Bounded wait for everything acknowledged so far (a change addressed to a profile follows the events sent before it).</summary>
    public ValueTask AwaitAllAppliedAsync(CancellationToken cancellationToken = default) => AwaitTicketAsync(Volatile.Read(ref _ticket), cancellationToken);

    private ValueTask AwaitTicketAsync(long target, CancellationToken cancellationToken) =>
        target <= Volatile.Read(ref _appliedTicket) ? ValueTask.CompletedTask : new ValueTask(WaitForTicketAsync(target, cancellationToken));

    /// <summary>Waits until everything acknowledged before the call is applied (erasure: nothing acknowledged may come back after it).</summary>
    public Task DrainAsync(CancellationToken cancellationToken = default)
    {
        var target = Volatile.Read(ref _ticket);
        return target <= Volatile.Read(ref _appliedTicket) ? Task.CompletedTask : WaitForTicketAsync(target, cancellationToken, bounded: false);
    }

    private async Task WaitForTicketAsync(long target, CancellationToken cancellationToken, bool bounded = true)
    {
        // While application is stalled (the store is away, rounds retrying) a read waits only briefly: it answers from
        // what is applied rather than hang on an outage. Once a round succeeds again the full bound applies.
        var bound = _stalled ? TimeSpan.FromMilliseconds(Math.Min(100, _logOptions.ReadYourWritesTimeout.TotalMilliseconds)) : _logOptions.ReadYourWritesTimeout;
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (Volatile.Read(ref _appliedTicket) < target)
        {
            var round = Volatile.Read(ref _roundDone).Task;
            if (Volatile.Read(ref _appliedTicket) >= target) break;
            if (!bounded)
            {
                await round.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                ReadWaits.Add(1, new KeyValuePair<string, object?>("outcome", "timeout"));
                return;
            }
            try
            {
                await round.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                ReadWaits.Add(1, new KeyValuePair<string, object?>("outcome", "timeout"));
                return;
            }
        }
        ReadWaits.Add(1, new KeyValuePair<string, object?>("outcome", "applied"));
    }

    /// <summary>Reads what the log still holds (acknowledged before the last stop, not applied) into the queue and starts the applier.</summary>
    internal async Task StartLogAsync(CancellationToken cancellationToken)
    {
        if (!LogFirst) return;
        var recovered = await _log.RecoverAsync(cancellationToken).ConfigureAwait(false);
        var events = 0;
        foreach (var r in recovered)
        {
            var list = new List<(int Index, CustomerEvent Event)>(r.Events.Count);
            for (var i = 0; i < r.Events.Count; i++) list.Add((i, r.Events[i]));
            lock (_enqueue)
            {
                var item = new LogItem(++_ticket, list, r.Segment, Task.FromResult(r.Position), null);
                _queue.Writer.TryWrite(item);
                Mark(list, item.Ticket);
            }
            events += list.Count;
        }
        Interlocked.Add(ref _backlog, events);
        if (recovered.Count > 0) GrainLog.IngestLogRecovered(_logger, recovered.Count, events);
        _stop = new CancellationTokenSource();
        _applier = Task.Run(() => ApplyLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Refuses new requests, waits up to <see cref="IngestLogOptions.DrainOnStop"/> for the backlog, then stops the applier.</summary>
    internal async Task StopLogAsync(CancellationToken cancellationToken)
    {
        if (_applier is null) return;
        _closed = true;
        using (var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            drain.CancelAfter(_logOptions.DrainOnStop);
            try
            {
                await DrainAsync(drain.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                GrainLog.IngestLogStoppedWithBacklog(_logger, BacklogEvents);
            }
        }
        _queue.Writer.TryComplete();
        await _stop!.CancelAsync().ConfigureAwait(false);
        try
        {
            await _applier.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException || _stop.IsCancellationRequested)
        {
            // Stopping: whatever is not applied stays in the log for the next start.
        }
    }

    private async Task ApplyLoopAsync(CancellationToken stop)
    {
        try
        {
            await ApplyLoopCoreAsync(stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            GrainLog.IngestLogApplierFailed(_logger, ex); // unreachable by design (rounds retry); logged, not swallowed
            throw;
        }
    }

    private async Task ApplyLoopCoreAsync(CancellationToken stop)
    {
        var reader = _queue.Reader;
        var round = new List<LogItem>();
        var lastTrim = Stopwatch.GetTimestamp();
        long trimTo = 0;
        while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
        {
            round.Clear();
            var taken = 0;
            while (taken < _logOptions.MaxApplyBatchEvents && reader.TryRead(out var item))
            {
                round.Add(item);
                taken += item.Events.Count;
            }
            var position = await ApplyRoundAsync(round, stop).ConfigureAwait(false);
            trimTo = Math.Max(trimTo, position);
            Volatile.Write(ref _appliedTicket, round[^1].Ticket);
            Interlocked.Exchange(ref _roundDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
            if (trimTo > 0 && (Stopwatch.GetElapsedTime(lastTrim) > TimeSpan.FromMilliseconds(200) || taken < _logOptions.MaxApplyBatchEvents))
            {
                try
                {
                    await _log.TrimAsync(trimTo, CancellationToken.None).ConfigureAwait(false);
                    lastTrim = Stopwatch.GetTimestamp();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    GrainLog.IngestLogTrimFailed(_logger, ex); // applied entries stay in the log a little longer; applying them again changes nothing
                }
            }
        }
    }

    /// <summary>Applies one round (retrying until it succeeds); returns the highest log position it covered.</summary>
    private async Task<long> ApplyRoundAsync(List<LogItem> round, CancellationToken stop)
    {
        var combined = new List<(int Index, CustomerEvent Event)>();
        var live = new List<(LogItem Item, int Offset)>(round.Count);
        long position = 0;
        foreach (var item in round)
        {
            try
            {
                position = Math.Max(position, await item.Durable.ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                // The request was answered with the store's error: nothing of it counts.
                Interlocked.Add(ref _backlog, -item.Events.Count);
                IngestLog.Settled(item.Segment);
                item.Waiter?.TrySetException(ex);
                continue;
            }
            live.Add((item, combined.Count));
            foreach (var (_, e) in item.Events) combined.Add((combined.Count, e));
        }
        if (combined.Count == 0) return position;

        var results = new IngestItemResult[combined.Count];
        await ApplyWithRetryAsync(combined, results, stop).ConfigureAwait(false);

        var now = Stopwatch.GetTimestamp();
        foreach (var (item, offset) in live)
        {
            var n = item.Events.Count;
            if (item.Waiter is { } waiter)
            {
                var mine = new IngestItemResult[n];
                for (var k = 0; k < n; k++)
                {
                    var r = results[offset + k];
                    mine[k] = r with { Index = item.Events[k].Index };
                }
                waiter.TrySetResult(mine);
            }
            for (var k = 0; k < n; k++)
            {
                if (results[offset + k].ProfileId is { } profileId) Link(combined[offset + k].Event, profileId);
            }
            var lag = Stopwatch.GetElapsedTime(item.AcknowledgedAt, now).TotalMilliseconds;
            ApplyLag.Record(lag);
            ApplyLagWindow.Record(lag);
            Interlocked.Add(ref _backlog, -n);
            IngestLog.Settled(item.Segment);
        }
        return position;
    }

    /// <summary>
    /// Applies the events, retrying transient failures (the store, the cluster) with backoff until they succeed. After three
    /// failures that are not transient the events are applied one at a time and the one at fault is left out (logged with its
    /// id, counted in <c>pe_ingest_apply_dropped_events</c>), so one bad event cannot hold up everything behind it. Throws
    /// only when the applier is stopping.
    /// </summary>
    private async Task ApplyWithRetryAsync(List<(int Index, CustomerEvent Event)> combined, IngestItemResult[] results, CancellationToken stop)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await IngestStandardizedAsync(combined, results, CancellationToken.None).ConfigureAwait(false);
                _stalled = false;
                return;
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                _stalled = true;
                ApplyFailures.Add(1);
                GrainLog.IngestLogApplyFailed(_logger, ex, combined.Count, attempt);
                if (attempt >= 3 && !IsTransient(ex))
                {
                    if (combined.Count == 1)
                    {
                        DroppedCounter.Add(1);
                        GrainLog.IngestLogDropped(_logger, ex, combined[0].Event.EventId);
                        results[0] = new IngestItemResult(0, combined[0].Event.EventId, IngestStatus.Rejected, null, [new ValidationError("event", "The event could not be applied: " + ex.Message)], []);
                        return;
                    }
                    for (var i = 0; i < combined.Count; i++)
                    {
                        var one = new IngestItemResult[1];
                        await ApplyWithRetryAsync([(0, combined[i].Event)], one, stop).ConfigureAwait(false);
                        results[i] = one[0] with { Index = i };
                    }
                    return;
                }
                await Task.Delay(delay, stop).ConfigureAwait(false);
                // Capped at 1 s: the events are durable in the log, and the applier should be back within a second
                // of the store (reads wait for it).
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1_000));
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex is not (ArgumentException or InvalidOperationException or FormatException or NotSupportedException or NullReferenceException);
}
