using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Protection;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>
/// One customer: owns the fused profile, sequences its events and calls the domain. Every accepted event is
/// appended (sealed) to the customer's journal stream before it is applied, so a 2xx means durable; the
/// snapshot records the last journal sequence it includes and activation replays the rest (dedup by event id
/// makes replays and client retries harmless). Partial files: Ingest (the batch sequencer), Lifecycle (merge,
/// split, erasure, export), Decisions, Churn.
/// </summary>
[GrainType("customer")]
public sealed partial class CustomerGrain(
    [PersistentState("customer", EngineGrainStorage.Name)] IPersistentState<CustomerGrainState> state,
    IStorageProvider storage,
    EngineKeys keys,
    Models.ChurnModelRegistry churnModels,
    Stats.SegmentCounts segmentCounts,
    Catalog.EngineSettings engineSettings,
    Triggers.TriggerBus triggers,
    Decisioning.DecisioningCatalog decisioning,
    Offers.PropensityCache propensities,
    ActivationCounter activations,
    TimeProvider time,
    ILogger<CustomerGrain> logger,
    IOptions<EngineOptions> options) : Grain, ICustomerGrain
{
    /// <summary>The grain type name: the state record's type and the reminders' grain type.</summary>
    public const string TypeName = "customer";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private readonly EngineOptions _options = options.Value;
    private string _key = "";
    private CustomerProfile? _profile;
    private byte[]? _dataKey;
    private int _sinceSnapshot;
    private bool _dirty;
    /// <summary>This activation's writer epoch (0: fencing off); every journal append carries it.</summary>
    private long _epoch;

    /// <summary>
    /// The state this activation works on. A write stores a copy taken when it is asked for (<see cref="WriteStateAsync"/>),
    /// never this object: Orleans serialises the record a scheduler turn or more later, and a batch applied in between
    /// would otherwise store a journal sequence past the sealed profile, so every later replay skipped its events.
    /// </summary>
    private CustomerGrainState State => _live ??= state.State;

    private CustomerGrainState? _live;

    private string Key => _key;

    private ProfileSettings Settings => engineSettings.Current;

    /// <summary>Whether this profile exists (has applied at least one event or absorbed another).</summary>
    private bool Exists => _profile is not null && State.MergedInto is null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        activations.Activated();
        if (_options.Fencing)
        {
            // Claim first, read second: an older activation still running elsewhere can no longer append or snapshot, and
            // everything it did append before the claim is in what this activation reads.
            _epoch = await storage.ClaimWriterAsync(TypeName, _key, cancellationToken).ConfigureAwait(true);
            await StoreCalls.Unwrapped(state.ReadStateAsync()).ConfigureAwait(true);
            _live = null; // the record just read
        }
        if (State.Sealed is null && State.MergedInto is null && State.JournalSequence == 0)
        {
            // Nothing stored: a new customer, unless a crash left journal entries before the first snapshot.
            _dataKey = await (await KeyStoreAsync().ConfigureAwait(true)).GetAsync(Key, cancellationToken).ConfigureAwait(true);
            if (_dataKey is null)
            {
                return;
            }
        }
        else if (State.MergedInto is null)
        {
            _dataKey = await (await KeyStoreAsync().ConfigureAwait(true)).GetAsync(Key, cancellationToken).ConfigureAwait(true)
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
        await ReplayJournalAsync(cancellationToken).ConfigureAwait(true);
        if (_profile is not null) segmentCounts.Add(_profile.Segments, +1, Key);
        if (_profile is not null) RestorePending();
    }

    /// <summary>
    /// Idle collection, shedding (the activation limiter) and silo shutdown all come here once every running call has
    /// finished: decisions still waiting for feedback are parked in the state, and dirty state is written back before the activation leaves.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await ParkPendingAsync().ConfigureAwait(true);
            if (Exists) segmentCounts.Add(_profile!.Segments, -1, Key);
            if (_dirty && State.MergedInto is null)
            {
                await WriteStateAsync().ConfigureAwait(true);
            }
        }
        catch (Exception ex)
        {
            // The journal holds every applied event: the next activation replays what this write-back missed.
            GrainLog.WriteBackFailed(logger, ex, TypeName, reason.ReasonCode.ToString());
        }
        finally
        {
            activations.Deactivated();
        }
    }

    private async Task ReplayJournalAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        await foreach (var entry in storage.Journal.ReadAsync(Key, State.JournalSequence, cancellationToken).ConfigureAwait(true))
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

    private void MarkDirty() => _dirty = true;

    /// <summary>This activation lost its writer claim: it stops accepting work and leaves as soon as it is idle.</summary>
    private void Fenced()
    {
        _stale = true;
        GrainLog.ActivationFenced(logger, TypeName);
        DeactivateOnIdle();
    }

    private bool _stale;

    /// <summary>
    /// Seals the profile into the state and writes it, expecting the version it read (a stale activation's write fails
    /// with <see cref="Orleans.Storage.InconsistentStateException"/>). What is written is a copy of the state taken with
    /// the seal, before the first await, so the record's profile and <see cref="CustomerGrainState.JournalSequence"/> are
    /// both as of this call: Orleans serialises it later (its storage bridge yields before it calls the provider), while
    /// batches keep applying to the live state.
    /// </summary>
    private async Task WriteStateAsync()
    {
        if (_profile is not null && _dataKey is not null && State.MergedInto is null)
        {
            State.Sealed = CustomerDataProtector.Seal(_dataKey, Key, JsonSerializer.SerializeToUtf8Bytes(_profile, Json));
        }
        var copy = State.CopyForWrite();
        state.State = copy;
        // Cleared before the write so a change made while it is in flight is not lost; restored on failure.
        _dirty = false;
        try
        {
            await StoreCalls.Unwrapped(state.WriteStateAsync()).ConfigureAwait(true);
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            // Another activation claimed this customer (a membership change): this one is stale; it leaves, and the
            // caller's retry reaches the other. Nothing is written back on the way out.
            _dirty = false;
            Fenced();
            throw;
        }
        catch
        {
            _dirty = true;
            throw;
        }
        finally
        {
            // Serialised by now: the activation keeps one state object, not the copy as well (memory per customer), unless
            // a later write already handed Orleans its own copy.
            if (ReferenceEquals(state.State, copy)) state.State = State;
        }
    }

    private async Task ClearStateAsync()
    {
        await StoreCalls.Unwrapped(state.ClearStateAsync()).ConfigureAwait(true);
        _live = null; // the empty state the clear left
        _dirty = false;
    }

    /// <summary>
    /// Writes the snapshot (when <see cref="EngineOptions.SnapshotEveryEvents"/> events arrived since the last one, or when
    /// forced) and trims the journal it covers, keeping the stream's newest <see cref="EngineOptions.UnmergeRetainEvents"/>
    /// entries for an unmerge (entries of batches not applied yet stay). Not due: nothing happens, so a caller can use the
    /// call to wait for a snapshot already asked for (calls that do not interleave run in order).
    /// </summary>
    public async Task SnapshotAsync(bool force)
    {
        if (!force && (_profile is null || _sinceSnapshot < _options.SnapshotEveryEvents)) return;
        if (Exists && !State.ChurnReminder) await ScheduleChurnRescoreAsync().ConfigureAwait(true); // customers from before reminders
        // What the snapshot includes is fixed before the write; batches applied while it is in flight stay in the journal.
        var covered = State.JournalSequence;
        var since = _sinceSnapshot;
        await WriteStateAsync().ConfigureAwait(true);
        _sinceSnapshot -= since;
        if (covered > 0)
        {
            await storage.Journal.TrimAsync(Key, covered, _options.UnmergeRetainEvents).ConfigureAwait(true);
        }
    }

    private ProfileSettings? _segmentsEvaluatedWith;

    /// <summary>Counts segment enters/leaves and tells the triggers (a non-blocking hand-off; no I/O here).</summary>
    private void Notify(IReadOnlyList<Domain.Segments.SegmentChange> changes)
    {
        foreach (var c in changes)
        {
            segmentCounts.Change(c.SegmentId, c.Entered, Key);
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

    public ValueTask<CustomerStatus> StatusAsync() => ValueTask.FromResult(new CustomerStatus(Exists, State.MergedInto));

    /// <summary>Identifiers (type → values, clear text) for identity resolution: a copy; empty when the profile does not exist.</summary>
    public ValueTask<IdentifierSet> GetIdentifiersAsync() =>
        ValueTask.FromResult(Exists ? new IdentifierSet(CopyIdentifiers(_profile!.Identifiers)) : IdentifierSet.Empty);

    /// <summary>Features as of <paramref name="asOf"/> (a copy), or null when the profile does not exist.</summary>
    public ValueTask<FeatureSnapshot?> FeaturesAsync(DateTimeOffset asOf) =>
        ValueTask.FromResult(Exists ? new FeatureSnapshot(new Dictionary<string, double>(_profile!.Features(asOf, Settings), StringComparer.Ordinal)) : null);

    /// <summary>
    /// The read model. Every collection is copied inside this call: the caller serialises the answer later, while
    /// events keep changing the live profile (handing out the live collections was a race).
    /// </summary>
    public ValueTask<ProfileView?> GetProfileAsync()
    {
        if (!Exists)
        {
            return ValueTask.FromResult<ProfileView?>(null);
        }
        var p = _profile!;
        var now = time.GetUtcNow();
        RefreshSegments(now);
        return ValueTask.FromResult<ProfileView?>(new ProfileView(
            p.ProfileId, p.MaskedIdentifiers(), new Dictionary<string, AttributeValue>(p.Attributes, StringComparer.Ordinal),
            new Dictionary<string, double>(p.Features(now, Settings), StringComparer.Ordinal), [.. p.Segments],
            new Dictionary<string, ConsentState>(p.Consents, StringComparer.Ordinal),
            p.EventCount, p.Lifecycle.ToString().ToLowerInvariant(),
            p.CustomTypeCounts is { } counts ? new Dictionary<string, int>(counts, StringComparer.Ordinal) : null,
            p.ConflictCount, p.Completeness(Settings)));
    }

    private static Dictionary<string, List<string>> CopyIdentifiers(IReadOnlyDictionary<string, List<string>> identifiers)
    {
        var copy = new Dictionary<string, List<string>>(identifiers.Count, StringComparer.Ordinal);
        foreach (var (type, values) in identifiers) copy[type] = [.. values];
        return copy;
    }
}
