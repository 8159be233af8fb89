using System.Text.Json;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;
using PersonalizationEngine.Grains.Protection;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>
/// One customer: owns the fused profile, sequences its events and calls the domain. Every accepted event is
/// appended (sealed) to the customer's journal stream before it is applied, so a 2xx means durable; the
/// snapshot records the last journal sequence it includes and activation replays the rest (dedup by event id
/// makes replays and client retries harmless).
/// </summary>
[GrainType("customer")]
public sealed partial class CustomerGrain(
    IStorageProvider storage,
    EngineKeys keys,
    Models.ChurnModelRegistry churnModels,
    Stats.SegmentCounts segmentCounts,
    Catalog.EngineSettings engineSettings,
    Triggers.TriggerBus triggers,
    Decisioning.DecisioningCatalog decisioning,
    Offers.PropensityCache propensities,
    IOptions<EngineOptions> options) : Grain<CustomerGrainState>, IRemindable
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private readonly EngineOptions _options = options.Value;
    private CustomerProfile? _profile;
    private byte[]? _dataKey;
    private int _sinceSnapshot;

    private ProfileSettings Settings => engineSettings.Current;

    /// <summary>Whether this profile exists (has applied at least one event or absorbed another).</summary>
    public bool Exists => _profile is not null && State.MergedInto is null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Sealed is null && State.MergedInto is null && State.JournalSequence == 0)
        {
            // Nothing stored: a new customer, unless a crash left journal entries before the first snapshot.
            _dataKey = await (await KeyStoreAsync().ConfigureAwait(false)).GetAsync(Key, cancellationToken).ConfigureAwait(false);
            if (_dataKey is null)
            {
                return;
            }
        }
        else if (State.MergedInto is null)
        {
            _dataKey = await (await KeyStoreAsync().ConfigureAwait(false)).GetAsync(Key, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Customer {Key} has a snapshot but no data key.");
            if (State.Sealed is not null)
            {
                _profile = JsonSerializer.Deserialize<CustomerProfile>(CustomerDataProtector.Open(_dataKey, Key, State.Sealed), Json);
            }
        }
        else
        {
            return;
        }
        await ReplayJournalAsync(cancellationToken).ConfigureAwait(false);
        if (_profile is not null) segmentCounts.Add(_profile.Segments, +1);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Batches still on their way: their callers retry (the next activation replays whatever became durable,
        // and a retry of it is a duplicate). The state written back holds only applied, durable events.
        foreach (var batch in _issued.Values)
        {
            batch.Applied.TrySetException(new IngestAbandonedException("The customer was deactivated while the batch was in flight; retry."));
        }
        _issued.Clear();
        ReportPendingOnDeactivation();
        if (Exists) segmentCounts.Add(_profile!.Segments, -1);
        return Task.CompletedTask;
    }

    private async Task ReplayJournalAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        await foreach (var entry in storage.Journal.ReadAsync(Key, State.JournalSequence, cancellationToken).ConfigureAwait(false))
        {
            var (e, history) = OpenEntry(entry);
            if (history)
            {
                continue; // moved in by a merge or split: already in the snapshot's state
            }
            _profile ??= new CustomerProfile(Key);
            _profile.Apply(e, Settings, e.ReceivedAt);
            State.JournalSequence = entry.Sequence;
            replayed++;
        }
        if (replayed > 0)
        {
            _sinceSnapshot += replayed;
            MarkDirty();
        }
    }

    /// <summary>A batch whose journal append was started and that is not applied yet.</summary>
    private sealed class PendingBatch(long index, IReadOnlyList<CustomerEvent> events, List<long> hashes, Task<IReadOnlyList<long>>? append)
    {
        public long Index { get; } = index;
        public IReadOnlyList<CustomerEvent> Events { get; } = events;
        public List<long> Hashes { get; } = hashes;
        public Task<IReadOnlyList<long>>? Append { get; } = append;
        public IReadOnlyList<long>? Sequences { get; set; }
        public bool Failed { get; set; }
        public TaskCompletionSource<IngestReply> Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Dictionary<long, PendingBatch> _issued = [];
    private readonly HashSet<long> _pendingIds = [];
    private long _nextIssue;
    private long _nextApply;

    /// <summary>
    /// Starts ingesting a batch of this customer's events: duplicates are recognised, the new events' journal
    /// append is started, and the turn ends without waiting for the disk. The caller awaits the append, reports
    /// it with <see cref="Complete"/>, and acknowledges once <see cref="IngestTicket.Applied"/> completes. Batches
    /// are applied in the order they were started, and only once durable, so a busy customer's batches pipeline
    /// through the journal's group commit and reads never see an event that could still be lost.
    /// </summary>
    public IngestTicket Ingest(IReadOnlyList<CustomerEvent> events)
    {
        if (State.MergedInto is { } movedTo)
        {
            return IngestTicket.Moved(movedTo);
        }
        if (_dataKey is null)
        {
            return IngestTicket.NeedsKey;
        }
        _profile ??= new CustomerProfile(Key);

        var hashes = new List<long>(events.Count);
        var appends = new List<JournalAppend>(events.Count);
        foreach (var e in events)
        {
            var hash = EventIdHash.Of(e.EventId);
            if (_profile.RecentEventIds.Contains(hash) || !_pendingIds.Add(hash))
            {
                continue; // applied already, or in a batch on its way: a duplicate
            }
            hashes.Add(hash);
            appends.Add(SealEntry(e, historyOrigin: null));
        }
        var batch = new PendingBatch(_nextIssue++, events, hashes, appends.Count > 0 ? storage.Journal.AppendAsync(appends) : null);
        _issued[batch.Index] = batch;
        if (batch.Append is null)
        {
            batch.Sequences = [];
            DrainCompleted();
        }
        return new IngestTicket(batch.Index, batch.Append, batch.Applied.Task);
    }

    /// <summary>The outcome of a batch's journal append (sequences when durable, null when it failed).</summary>
    public void Complete(long index, IReadOnlyList<long>? sequences)
    {
        if (!_issued.TryGetValue(index, out var batch))
        {
            return; // started by an earlier activation, which failed its callers when it left
        }
        if (sequences is null) batch.Failed = true;
        else batch.Sequences = sequences;
        DrainCompleted();
    }

    /// <summary>Applies completed batches in the order they were started.</summary>
    private void DrainCompleted()
    {
        while (_issued.TryGetValue(_nextApply, out var batch) && (batch.Sequences is not null || batch.Failed))
        {
            _issued.Remove(_nextApply);
            _nextApply++;
            foreach (var h in batch.Hashes) _pendingIds.Remove(h);
            if (batch.Failed)
            {
                batch.Applied.TrySetException(new IngestAbandonedException("The journal append failed; nothing of this batch was applied."));
                continue;
            }
            if (State.MergedInto is { } movedTo)
            {
                // Durable here but the profile has since moved: the merge forwarded durable entries; deliver again there.
                batch.Applied.TrySetResult(IngestReply.Moved(movedTo));
                continue;
            }
            batch.Applied.TrySetResult(Apply(batch.Events, batch.Sequences!));
        }
    }

    private IngestReply Apply(IReadOnlyList<CustomerEvent> events, IReadOnlyList<long> sequences)
    {
        _profile ??= new CustomerProfile(Key);
        var now = Time.GetUtcNow();
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
        return new IngestReply(outcomes, (IReadOnlyList<SegmentChange>?)changes ?? [], SnapshotDue: _sinceSnapshot >= _options.SnapshotEveryEvents);
    }

    /// <summary>
    /// Waits (inside a turn) for every started batch's append and applies the durable ones now, in order, so every
    /// durable entry of the stream is in the profile (the ingestion caller's later <see cref="Complete"/> finds
    /// nothing left to do).
    /// </summary>
    private async Task SettleAsync()
    {
        await WaitForAppendsAsync().ConfigureAwait(false);
        foreach (var batch in _issued.Values.Where(b => b.Sequences is null && !b.Failed))
        {
            if (batch.Append!.IsCompletedSuccessfully) batch.Sequences = batch.Append.Result;
            else batch.Failed = true;
        }
        DrainCompleted();
    }

    /// <summary>Waits (inside a turn) for the appends of every started batch, so what is durable is known.</summary>
    private async Task WaitForAppendsAsync()
    {
        var appends = _issued.Values.Select(b => b.Append).OfType<Task<IReadOnlyList<long>>>().ToList();
        if (appends.Count == 0) return;
        try
        {
            await Task.WhenAll(appends).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each caller sees its own failure; here it only matters that nothing is still in flight.
        }
    }

    /// <summary>Creates the customer's data key (first event of a new customer), before anything is sealed with it.</summary>
    public async Task PrepareAsync()
    {
        if (_dataKey is not null) return;
        var key = (await KeyStoreAsync().ConfigureAwait(false)).CreateAsync(Key, CancellationToken.None);
        await Task.WhenAll(key, ScheduleChurnRescoreAsync()).ConfigureAwait(false);
        _dataKey = await key.ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the snapshot now and trims the journal it covers, keeping the stream's newest
    /// <see cref="EngineOptions.UnmergeRetainEvents"/> entries for an unmerge (entries of batches not applied yet stay).
    /// </summary>
    public async Task SnapshotAsync(bool force = false)
    {
        if (!force && (_profile is null || _sinceSnapshot == 0 && State.Sealed is not null)) return;
        if (Exists && !State.ChurnReminder) await ScheduleChurnRescoreAsync().ConfigureAwait(false); // customers from before reminders
        await WriteStateAsync().ConfigureAwait(false);
        _sinceSnapshot = 0;
        if (State.JournalSequence > 0)
        {
            await storage.Journal.TrimAsync(Key, State.JournalSequence, _options.UnmergeRetainEvents).ConfigureAwait(false);
        }
    }

    private ProfileSettings? _segmentsEvaluatedWith;

    /// <summary>Counts segment enters/leaves and tells the triggers (a non-blocking hand-off; no I/O here).</summary>
    private void Notify(IReadOnlyList<SegmentChange> changes)
    {
        foreach (var c in changes)
        {
            segmentCounts.Change(c.SegmentId, c.Entered);
            triggers.Publish(new Triggers.CustomerSignal(c.Entered ? Triggers.TriggerKinds.SegmentEntered : Triggers.TriggerKinds.SegmentLeft, Key, c.At, Segment: c.SegmentId));
        }
    }

    /// <summary>Re-evaluates segments when their definitions changed since this profile last looked.</summary>
    private void RefreshSegments(DateTimeOffset now)
    {
        var settings = Settings;
        if (ReferenceEquals(_segmentsEvaluatedWith, settings)) return;
        _segmentsEvaluatedWith = settings;
        var changes = _profile!.EvaluateSegments(now, settings);
        Notify(changes);
        if (changes.Count > 0) MarkDirty();
    }

    protected override void OnWritingState()
    {
        if (_profile is not null && _dataKey is not null && State.MergedInto is null)
        {
            State.Sealed = CustomerDataProtector.Seal(_dataKey, Key, JsonSerializer.SerializeToUtf8Bytes(_profile, Json));
        }
    }

    /// <summary>Identifiers (type → values, clear text) for identity resolution; empty when the profile does not exist.</summary>
    public IReadOnlyDictionary<string, List<string>> GetIdentifiers() =>
        Exists ? _profile!.Identifiers : new Dictionary<string, List<string>>();

    /// <summary>Where this profile was merged to, if it was.</summary>
    public string? MergedInto => State.MergedInto;

    /// <summary>Features as of <paramref name="asOf"/>, or null when the profile does not exist.</summary>
    public IReadOnlyDictionary<string, double>? Features(DateTimeOffset asOf) => Exists ? _profile!.Features(asOf, Settings) : null;

    public ProfileView? GetProfile()
    {
        if (!Exists)
        {
            return null;
        }
        var p = _profile!;
        var now = Time.GetUtcNow();
        RefreshSegments(now);
        return new ProfileView(
            p.ProfileId, p.MaskedIdentifiers(), p.Attributes, p.Features(now, Settings), p.Segments, p.Consents,
            p.EventCount, p.Lifecycle.ToString().ToLowerInvariant(), p.CustomTypeCounts, p.ConflictCount, p.Completeness(Settings));
    }
}
