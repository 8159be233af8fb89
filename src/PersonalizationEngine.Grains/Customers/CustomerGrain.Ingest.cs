using System.Runtime.ExceptionServices;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>
/// The batch sequencer. <see cref="ICustomerGrain.IngestAsync"/> interleaves (<c>[AlwaysInterleave]</c>), so a busy
/// customer's batches all start their journal appends at once and share the journal's group commit; the grain still
/// applies them one after another in arrival order, each only once its append is durable. Everything between awaits
/// runs on the activation's own scheduler, so no locks are needed. Operations that must see a settled profile
/// (merge, split, erasure, export) close a gate that new batches wait at and wait for the batches in flight first.
/// </summary>
public sealed partial class CustomerGrain
{
    /// <summary>Ids of events in batches on their way (null between batches: a set sized for a batch is not kept per customer).</summary>
    private HashSet<long>? _pendingIds;
    /// <summary>Completes when the latest started batch has been applied (or failed): the tail of the apply order.</summary>
    private Task _tail = Task.CompletedTask;
    /// <summary>Incomplete while an exclusive operation runs; new batches wait for it.</summary>
    private Task _gate = Task.CompletedTask;
    private Task? _creatingKey;

    public async Task<IngestReply> IngestAsync(IngestBatch batch)
    {
        var events = batch.Events;
        while (true)
        {
            if (!_gate.IsCompleted)
            {
                await _gate.ConfigureAwait(true);
                continue;
            }
            if (State.MergedInto is { } movedTo)
            {
                return IngestReply.Moved(movedTo);
            }
            if (_dataKey is null)
            {
                // The first event of a new customer: its data key exists before anything is sealed with it.
                await (_creatingKey ??= CreateDataKeyAsync()).ConfigureAwait(true);
                continue;
            }
            break;
        }
        _profile ??= new CustomerProfile(Key);

        // From here to the first await nothing else runs in this activation: duplicates are recognised against what is
        // applied and what is on its way, and the journal append starts.
        var hashes = new List<long>(events.Count);
        var appends = new List<JournalAppend>(events.Count);
        List<long>? carriedEarlier = null;
        foreach (var e in events)
        {
            var hash = EventIdHash.Of(e.EventId);
            if (_profile.RecentEventIds.Contains(hash))
            {
                continue; // applied already: a duplicate
            }
            if (!(_pendingIds ??= []).Add(hash))
            {
                // Earlier in this batch, or in a batch on its way (a client's retry overtook its first attempt): that
                // copy is journaled, this one is a duplicate.
                (carriedEarlier ??= []).Add(hash);
                continue;
            }
            hashes.Add(hash);
            appends.Add(SealEntry(e, historyOrigin: null));
        }
        var append = appends.Count > 0 ? storage.Journal.AppendAsync(appends) : null;
        var previous = _tail;
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _tail = applied.Task;
        try
        {
            IReadOnlyList<long> sequences = [];
            ExceptionDispatchInfo? failure = null;
            if (append is not null)
            {
                try
                {
                    sequences = await append.ConfigureAwait(true);
                }
                catch (Exception ex)
                {
                    failure = ExceptionDispatchInfo.Capture(ex);
                }
            }
            await previous.ConfigureAwait(true); // batches apply in the order they started
            foreach (var h in hashes) _pendingIds!.Remove(h);
            if (_pendingIds is { Count: 0 }) _pendingIds = null;
            // Nothing of a failed batch was applied; the caller sees the store's own error (503 at the gateway).
            if (failure?.SourceException is StaleWriterException) Fenced();
            failure?.Throw();
            if (_stale)
            {
                // Fenced by a batch before this one: this activation's view is no longer the customer's; nothing applied.
                throw new StaleWriterException(Key, _epoch);
            }
            if (State.MergedInto is { } moved)
            {
                // Durable here but the profile has since moved: the merge forwarded durable entries; deliver again there.
                return IngestReply.Moved(moved);
            }
            if (carriedEarlier is not null && CarriedByFailedBatch(carriedEarlier, hashes))
            {
                // The earlier batch that was to journal one of these events failed, so it is in no journal: this batch
                // cannot acknowledge it (applied here, it would be lost with this activation). The client's retry stores it.
                throw new IngestAbandonedException($"An event of this batch was on its way in an earlier delivery that failed before it was stored; nothing of this batch was applied to {Key}. Retry (same event ids are safe).");
            }
            var reply = Apply(events, sequences);
            if (_sinceSnapshot >= _options.SnapshotEveryEvents)
            {
                // Written by a call of its own after this reply: the snapshot never delays an acknowledgement.
                this.AsReference<ICustomerGrain>().SnapshotAsync(force: false).Ignore();
            }
            return reply;
        }
        finally
        {
            applied.SetResult();
        }
    }

    /// <summary>
    /// Whether an event this batch left to an earlier batch (on its way when this one started) is not applied now that
    /// every earlier batch is done: that batch failed, so the event is in no journal. Copies earlier in this batch itself
    /// are not such events (this batch journaled them).
    /// </summary>
    private bool CarriedByFailedBatch(List<long> carried, List<long> journaledHere)
    {
        HashSet<long>? own = null;
        foreach (var h in carried)
        {
            if (_profile!.RecentEventIds.Contains(h)) continue;
            own ??= [.. journaledHere];
            if (!own.Contains(h)) return true;
        }
        return false;
    }

    private async Task CreateDataKeyAsync()
    {
        try
        {
            var key = (await KeyStoreAsync().ConfigureAwait(true)).CreateAsync(Key, CancellationToken.None);
            await Task.WhenAll(key, ScheduleChurnRescoreAsync()).ConfigureAwait(true);
            _dataKey = await key.ConfigureAwait(true);
        }
        finally
        {
            _creatingKey = null;
        }
    }

    private IngestReply Apply(IReadOnlyList<CustomerEvent> events, IReadOnlyList<long> sequences)
    {
        _profile ??= new CustomerProfile(Key);
        var now = time.GetUtcNow();
        var outcomes = new EventOutcome[events.Count];
        List<SegmentChange>? changes = null;
        var applied = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var result = _profile.Apply(events[i], Settings, now);
            outcomes[i] = result.Applied ? EventOutcome.Applied : EventOutcome.Duplicate;
            if (!result.Applied) continue;
            applied++;
            ObserveOutcome(events[i]);
            triggers.Publish(new Triggers.CustomerSignal(Triggers.TriggerKinds.Event, Key, events[i].Timestamp, EventType: events[i].Type));
            if (result.SegmentChanges.Count > 0)
            {
                (changes ??= []).AddRange(result.SegmentChanges);
                Notify(result.SegmentChanges);
            }
        }
        if (sequences.Count > 0)
        {
            // Batches apply in journal order, so every entry up to here is in the state.
            State.JournalSequence = Math.Max(State.JournalSequence, sequences.Max());
        }
        if (applied > 0)
        {
            RescoreAfter(events);
            MarkDirty();
            _sinceSnapshot += applied;
        }
        return new IngestReply(outcomes, (IReadOnlyList<SegmentChange>?)changes ?? []);
    }

    /// <summary>
    /// Runs <paramref name="body"/> with the profile settled: new batches wait at the gate, and every batch already
    /// started is applied (or failed) before the body begins. Exclusive operations are ordinary (non-interleaving)
    /// grain calls, so Orleans runs at most one of them at a time; only batches and reads interleave with them.
    /// </summary>
    private async Task<T> ExclusiveAsync<T>(Func<Task<T>> body)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = gate.Task;
        try
        {
            await _tail.ConfigureAwait(true);
            return await body().ConfigureAwait(true);
        }
        finally
        {
            gate.SetResult();
        }
    }

    private Task ExclusiveAsync(Func<Task> body) => ExclusiveAsync(async () => { await body().ConfigureAwait(true); return true; });
}
