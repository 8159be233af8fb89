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
    IOptions<EngineOptions> options) : Grain<CustomerGrainState>
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
        if (Exists) segmentCounts.Add(_profile!.Segments, -1);
        return Task.CompletedTask;
    }

    private async Task ReplayJournalAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        await foreach (var entry in storage.Journal.ReadAsync(Key, State.JournalSequence, cancellationToken).ConfigureAwait(false))
        {
            var e = JsonSerializer.Deserialize<CustomerEvent>(CustomerDataProtector.Open(_dataKey!, Key, entry.Payload), Json)!;
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

    /// <summary>Durably journals, then applies, a batch of this customer's events (in order).</summary>
    public async Task<IngestReply> IngestAsync(IReadOnlyList<CustomerEvent> events)
    {
        if (State.MergedInto is { } movedTo)
        {
            return IngestReply.Moved(movedTo);
        }
        _dataKey ??= await (await KeyStoreAsync().ConfigureAwait(false)).CreateAsync(Key, CancellationToken.None).ConfigureAwait(false);
        _profile ??= new CustomerProfile(Key);

        var seen = new HashSet<long>();
        var appends = new List<JournalAppend>(events.Count);
        foreach (var e in events)
        {
            var hash = EventIdHash.Of(e.EventId);
            if (_profile.RecentEventIds.Contains(hash) || !seen.Add(hash))
            {
                continue;
            }
            appends.Add(new JournalAppend(Key, e.EventId, CustomerDataProtector.Seal(_dataKey, Key, JsonSerializer.SerializeToUtf8Bytes(e, Json))));
        }
        if (appends.Count > 0)
        {
            var sequences = await storage.Journal.AppendAsync(appends).ConfigureAwait(false);
            State.JournalSequence = Math.Max(State.JournalSequence, sequences.Max());
        }

        var now = Time.GetUtcNow();
        var outcomes = new EventOutcome[events.Count];
        List<SegmentChange>? changes = null;
        for (var i = 0; i < events.Count; i++)
        {
            var result = _profile.Apply(events[i], Settings, now);
            outcomes[i] = result.Applied ? EventOutcome.Applied : EventOutcome.Duplicate;
            if (result.Applied) ObserveOutcome(events[i]);
            if (result.Applied) triggers.Publish(new Triggers.CustomerSignal(Triggers.TriggerKinds.Event, Key, events[i].Timestamp, EventType: events[i].Type));
            if (result.SegmentChanges.Count > 0)
            {
                (changes ??= []).AddRange(result.SegmentChanges);
                Notify(result.SegmentChanges);
            }
        }
        if (appends.Count > 0)
        {
            RescoreAfter(events);
            MarkDirty();
            _sinceSnapshot += appends.Count;
            if (_sinceSnapshot >= _options.SnapshotEveryEvents)
            {
                await SnapshotAsync().ConfigureAwait(false);
            }
        }
        return new IngestReply(outcomes, (IReadOnlyList<SegmentChange>?)changes ?? []);
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

    /// <summary>Writes the snapshot now and trims the journal it covers.</summary>
    public async Task SnapshotAsync()
    {
        await WriteStateAsync().ConfigureAwait(false);
        _sinceSnapshot = 0;
        if (State.JournalSequence > 0)
        {
            await storage.Journal.TrimAsync(Key, State.JournalSequence).ConfigureAwait(false);
        }
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
