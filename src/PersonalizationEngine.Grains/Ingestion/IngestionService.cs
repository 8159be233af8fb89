using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Identity;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Hosting;

namespace PersonalizationEngine.Grains.Ingestion;

/// <summary>
/// The ingestion pipeline the gateway calls: standardise each event, resolve its identifiers to a profile
/// (identity grains; merging profiles an event links), then hand each profile its events in order. An item
/// is reported accepted only after its customer grain journaled it durably.
/// </summary>
public sealed partial class IngestionService
{
    private static readonly Meter Meter = new("PersonalizationEngine.Ingestion");
    private static readonly Counter<long> EventsCounter = Meter.CreateCounter<long>("pe_events", "events", "Events by outcome.");
    private static readonly Counter<long> MergesCounter = Meter.CreateCounter<long>("pe_profile_merges", "merges", "Profiles merged by identity resolution.");
    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("pe_ingest_batch_duration", "ms", "Time to ingest a batch durably.");

    private static readonly Counter<long> RefusedCounter = Meter.CreateCounter<long>("pe_ingest_refused_events", "events", "Events refused by admission control (503 + Retry-After): too many in flight, or too many customers in memory.");

    private readonly EngineOptions _options;
    private readonly EventStandardizer _standardizer;
    private readonly IdentityResolver _resolver;
    private readonly Protection.EngineKeys _keys;
    private readonly TimeProvider _time;

    private readonly IGrainFactory _grains;
    private readonly ActivationCounter _activations;

    private readonly Identity.IdentityCache _cache;

    private readonly IngestLog _log;
    private readonly IngestLogOptions _logOptions;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;

    public IngestionService(IGrainFactory grains, ActivationCounter activations, IOptions<EngineOptions> options, Protection.EngineKeys keys, TimeProvider time, Identity.IdentityCache cache,
        IngestLog log, IOptions<IngestLogOptions> logOptions, Microsoft.Extensions.Logging.ILogger<IngestionService> logger)
    {
        _log = log;
        _logOptions = logOptions.Value;
        _logger = logger;
        _grains = grains;
        _cache = cache;
        _activations = activations;
        _options = options.Value;
        _standardizer = new EventStandardizer(_options.Validation);
        _resolver = new IdentityResolver(_options.Profile.Identity);
        _keys = keys;
        _time = time;
        Meter.CreateObservableGauge("pe_ingest_in_flight_events", () => Interlocked.Read(ref _inFlight), "events", "Events accepted for ingestion and not yet durable and applied.");
        Meter.CreateObservableGauge("pe_ingest_backlog_events", () => Interlocked.Read(ref _backlog), "events", "Events acknowledged (durable in the ingest log) and not yet applied to their profiles.");
    }

    private long _inFlight;

    /// <summary>Events accepted for ingestion and not yet durable and applied.</summary>
    public long InFlightEvents => Interlocked.Read(ref _inFlight);

    /// <summary>
    /// Admission control (<see cref="EngineOptions.MaxInFlightEvents"/>): reserves room for <paramref name="count"/>
    /// events until the returned lease is disposed, or throws <see cref="IngestOverloadedException"/> without
    /// touching anything. A batch larger than the limit is still admitted when nothing else is in flight, so it
    /// cannot be refused forever. Also refuses while the actor system is saturated
    /// (<see cref="ActivationCounter.IsSaturated"/>: more customers in memory than shedding keeps up with).
    /// </summary>
    private InFlightLease Admit(int count)
    {
        if (_activations.IsSaturated)
        {
            RefusedCounter.Add(count);
            throw new IngestOverloadedException($"{_activations.Count} customers are in memory (limit {_activations.Options.MaxActivations}) and the least recently used are still being written back; nothing of this batch was stored.");
        }
        var now = Interlocked.Add(ref _inFlight, count);
        if (now > _options.MaxInFlightEvents && now != count)
        {
            Interlocked.Add(ref _inFlight, -count);
            RefusedCounter.Add(count);
            throw new IngestOverloadedException(now - count, _options.MaxInFlightEvents);
        }
        return new InFlightLease(this, count);
    }

    private readonly struct InFlightLease(IngestionService owner, int count) : IDisposable
    {
        public void Dispose() => Interlocked.Add(ref owner._inFlight, -count);
    }

    public EventStandardizer Standardizer => _standardizer;

    /// <summary>Total events accepted since start (for the live dashboard).</summary>
    public long AcceptedTotal => Interlocked.Read(ref _acceptedTotal);

    private long _acceptedTotal;

    /// <summary>Validates and ingests a batch; returns one result per input item, in order.</summary>
    public Task<IngestBatchResult> IngestAsync(IReadOnlyList<RawEvent> batch, CancellationToken cancellationToken = default) =>
        IngestAsync(batch, waitForApplied: false, cancellationToken);

    /// <summary>
    /// Validates and ingests a batch; returns one result per input item, in order. With log-first ingestion
    /// (<see cref="IngestAcknowledgement.Durable"/>) it returns once the events are durable in the ingest log, unless
    /// <paramref name="waitForApplied"/> asks to wait for their application (exact outcomes: profile, duplicate).
    /// </summary>
    public async Task<IngestBatchResult> IngestAsync(IReadOnlyList<RawEvent> batch, bool waitForApplied, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var receivedAt = _time.GetUtcNow();
        var results = new IngestItemResult[batch.Count];
        var valid = new List<(int Index, CustomerEvent Event)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var s = _standardizer.Standardize(batch[i], receivedAt);
            if (s.IsValid)
            {
                valid.Add((i, s.Event!));
            }
            else
            {
                results[i] = new IngestItemResult(i, batch[i].EventId, IngestStatus.Rejected, null, s.Errors, []);
            }
        }
        if (valid.Count > 0 && LogFirst)
        {
            await IngestThroughLogAsync(valid, results, waitForApplied, cancellationToken).ConfigureAwait(false);
        }
        else if (valid.Count > 0)
        {
            using var lease = Admit(valid.Count);
            await IngestStandardizedAsync(valid, results, cancellationToken).ConfigureAwait(false);
        }
        BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new IngestBatchResult(results);
    }

    /// <summary>Ingests events that are already standardised (replays, imports); same guarantees.</summary>
    public async Task<IngestBatchResult> IngestStandardizedAsync(IReadOnlyList<CustomerEvent> events, CancellationToken cancellationToken = default)
    {
        var results = new IngestItemResult[events.Count];
        await IngestStandardizedAsync(events.Select((e, i) => (i, e)).ToList(), results, cancellationToken).ConfigureAwait(false);
        return new IngestBatchResult(results);
    }

    private async Task IngestStandardizedAsync(List<(int Index, CustomerEvent Event)> valid, IngestItemResult[] results, CancellationToken cancellationToken)
    {
        if (valid.Count == 0)
        {
            return;
        }
        var hasher = await _keys.HasherAsync().ConfigureAwait(false);

        // Events with the same identifiers resolve once. Groups that share an identifier value resolve one
        // after another in batch order (an anonymous visit, then the login that names the visitor); unrelated
        // groups resolve concurrently.
        var groups = valid.GroupBy(v => Signature(v.Event.Identifiers)).ToList();
        var resolved = new Resolution[groups.Count];
        var components = Components(groups.Select(g => g.First().Event.Identifiers).ToList());
        await ForEachAsync(components.Count, async c =>
        {
            foreach (var g in components[c])
            {
                resolved[g] = await ResolveAsync(groups[g].First().Event.Identifiers, hasher, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        var perProfile = new Dictionary<string, List<(int Index, CustomerEvent Event, Resolution R)>>(StringComparer.Ordinal);
        for (var g = 0; g < groups.Count; g++)
        {
            var r = resolved[g];
            foreach (var (index, e) in groups[g])
            {
                if (r.ProfileId is null)
                {
                    results[index] = new IngestItemResult(index, e.EventId, IngestStatus.Rejected, null,
                        [new ValidationError("identifiers", "No usable identifier: " + string.Join("; ", r.Dropped.Select(d => $"{d.Type}: {d.Reason}")))], r.Dropped);
                    continue;
                }
                if (!perProfile.TryGetValue(r.ProfileId, out var list))
                {
                    perProfile[r.ProfileId] = list = [];
                }
                list.Add((index, e with { Identifiers = r.Accepted }, r));
            }
        }
        foreach (var list in perProfile.Values)
        {
            list.Sort((a, b) => a.Index.CompareTo(b.Index));
        }

        var profiles = perProfile.ToList();
        await ForEachAsync(profiles.Count, async p =>
        {
            var (profileId, items) = profiles[p];
            var events = items.Select(i => i.Event).ToList();
            var (owner, reply) = await DeliverAsync(profileId, events).ConfigureAwait(false);
            for (var k = 0; k < items.Count; k++)
            {
                var (index, e, r) = items[k];
                var status = reply.Outcomes[k] == EventOutcome.Applied ? IngestStatus.Accepted : IngestStatus.Duplicate;
                results[index] = new IngestItemResult(index, e.EventId, status, owner, [], r.Dropped);
            }
            var applied = reply.Outcomes.Count(o => o == EventOutcome.Applied);
            Interlocked.Add(ref _acceptedTotal, applied);
            EventsCounter.Add(applied, new KeyValuePair<string, object?>("outcome", "accepted"));
            if (applied < items.Count)
            {
                EventsCounter.Add(items.Count - applied, new KeyValuePair<string, object?>("outcome", "duplicate"));
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Ingests events addressed to a known profile (consent changes made through the API, imports): validated
    /// like any event, journaled and applied by that profile's grain. Identifiers on them are ignored.
    /// </summary>
    public async Task<IngestBatchResult> IngestForProfileAsync(string profileId, IReadOnlyList<RawEvent> batch)
    {
        // After what the log already acknowledged (a consent change follows the events sent before it), bounded.
        await AwaitAllAppliedAsync().ConfigureAwait(false);
        var receivedAt = _time.GetUtcNow();
        var results = new IngestItemResult[batch.Count];
        var valid = new List<(int Index, CustomerEvent Event)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var s = _standardizer.Standardize(batch[i] with { Identifiers = new() { ["profile"] = profileId } }, receivedAt);
            if (s.IsValid) valid.Add((i, s.Event! with { Identifiers = new Dictionary<string, string>() }));
            else results[i] = new IngestItemResult(i, batch[i].EventId, IngestStatus.Rejected, profileId, s.Errors, []);
        }
        if (valid.Count > 0)
        {
            (string owner, IngestReply reply) delivered;
            using (Admit(valid.Count))
            {
                delivered = await DeliverAsync(profileId, valid.Select(v => v.Event).ToList()).ConfigureAwait(false);
            }
            var (owner, reply) = delivered;
            for (var k = 0; k < valid.Count; k++)
            {
                var (index, e) = valid[k];
                results[index] = new IngestItemResult(index, e.EventId, reply.Outcomes[k] == EventOutcome.Applied ? IngestStatus.Accepted : IngestStatus.Duplicate, owner, [], []);
            }
        }
        return new IngestBatchResult(results);
    }

    private async Task<(string ProfileId, IngestReply Reply)> DeliverAsync(string profileId, IReadOnlyList<CustomerEvent> events)
    {
        var batch = new IngestBatch(events);
        for (var hop = 0; hop < 8; hop++)
        {
            // The grain journals the batch (group commit), then applies it; its reply means durable and applied.
            var reply = await _grains.Customer(profileId).IngestAsync(batch).ConfigureAwait(false);
            if (reply.MovedTo is { } next)
            {
                profileId = next;
                continue;
            }
            return (profileId, reply);
        }
        throw new InvalidOperationException($"Profile {profileId} forwards too many times.");
    }

    private sealed record Resolution(string? ProfileId, IReadOnlyDictionary<string, string> Accepted, IReadOnlyList<DroppedIdentifier> Dropped);

    private async Task<Resolution> ResolveAsync(IReadOnlyDictionary<string, string> identifiers, IdentifierHasher hasher, CancellationToken cancellationToken)
    {
        var hashes = identifiers.ToDictionary(p => p.Key + ":" + p.Value, p => hasher.Hash(p.Key, p.Value), StringComparer.Ordinal);
        // A returning customer whose every identifier this node already links to one profile: no identity-grain call
        // and no merge check. If that profile has since been merged, its grain answers MovedTo and delivery follows.
        if (TryAttachCached(identifiers, hashes) is { } cached)
        {
            return cached;
        }
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var mapped = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, hash) in hashes)
            {
                var owner = await _grains.Identity(hash).GetAsync().ConfigureAwait(false);
                mapped[key] = owner is null ? null : await CurrentProfileAsync(owner).ConfigureAwait(false);
                if (mapped[key] is { } current) _cache.Set(hash, current);
            }
            // A returning customer (every identifier already theirs) needs no look at the profile's identifiers.
            if (_resolver.TryAttachKnown(identifiers, key => mapped.GetValueOrDefault(key)) is { } attach)
            {
                return new Resolution(attach.SurvivorProfileId, attach.Accepted, attach.Dropped);
            }
            var known = new Dictionary<string, IReadOnlyDictionary<string, List<string>>>(StringComparer.Ordinal);
            foreach (var pid in mapped.Values.OfType<string>().Distinct())
            {
                known[pid] = (await _grains.Customer(pid).GetIdentifiersAsync().ConfigureAwait(false)).Values;
            }
            var decision = _resolver.Decide(identifiers, key => mapped.GetValueOrDefault(key), pid => known[pid]);
            if (decision.Kind == IdentityDecisionKind.Reject)
            {
                return new Resolution(null, decision.Accepted, decision.Dropped);
            }
            var target = decision.SurvivorProfileId ?? NewProfileId();
            foreach (var loser in decision.MergedProfileIds)
            {
                await MergeAsync(loser, target, hasher).ConfigureAwait(false);
            }
            var conflict = false;
            foreach (var (type, value) in decision.Accepted.OrderBy(p => _resolver.Rules.PriorityOf(p.Key)))
            {
                var key = type + ":" + value;
                var current = mapped[key];
                if (current == target)
                {
                    continue;
                }
                if (current is not null && decision.MergedProfileIds.Contains(current))
                {
                    _cache.Forget(hashes[key]);
                    await _grains.Identity(hashes[key]).RepointAsync(current, target).ConfigureAwait(false);
                    continue;
                }
                var owner = await _grains.Identity(hashes[key]).ClaimAsync(target).ConfigureAwait(false);
                _cache.Set(hashes[key], owner);
                if (owner != target)
                {
                    conflict = true; // someone claimed it meanwhile: resolve again with what is known now
                    break;
                }
            }
            if (!conflict || attempt + 1 >= _options.MaxResolveAttempts)
            {
                return new Resolution(target, decision.Accepted, decision.Dropped);
            }
        }
    }

    private Resolution? TryAttachCached(IReadOnlyDictionary<string, string> identifiers, Dictionary<string, string> hashes)
    {
        var mapped = new Dictionary<string, string?>(hashes.Count, StringComparer.Ordinal);
        foreach (var (key, hash) in hashes)
        {
            if (!_cache.TryGet(hash, out var owner)) return null;
            mapped[key] = owner;
        }
        return _resolver.TryAttachKnown(identifiers, key => mapped.GetValueOrDefault(key)) is { } attach
            ? new Resolution(attach.SurvivorProfileId, attach.Accepted, attach.Dropped)
            : null;
    }

    /// <summary>Follows merge forwarding to the profile that lives now.</summary>
    private async ValueTask<string> CurrentProfileAsync(string profileId)
    {
        for (var hop = 0; hop < 8; hop++)
        {
            var next = (await _grains.Customer(profileId).StatusAsync().ConfigureAwait(false)).MergedInto;
            if (next is null)
            {
                return profileId;
            }
            profileId = next;
        }
        return profileId;
    }

    /// <summary>Folds <paramref name="loser"/> into <paramref name="survivor"/>: export, absorb (durable), complete, re-link, forward late events.</summary>
    private async Task MergeAsync(string loser, string survivor, IdentifierHasher hasher)
    {
        var export = await _grains.Customer(loser).ExportForMergeAsync().ConfigureAwait(false);
        if (export is not null)
        {
            await _grains.Customer(survivor).AbsorbAsync(export).ConfigureAwait(false);
        }
        else
        {
            await _grains.Customer(survivor).NoteAbsorbedAsync(loser).ConfigureAwait(false);
        }
        // Marked as merged even when it holds nothing yet: a concurrent request that resolved to it before this
        // merge then gets redirected to the survivor instead of filling an unreachable profile.
        var late = (await _grains.Customer(loser).CompleteMergeAsync(survivor, export?.JournalSequence ?? 0).ConfigureAwait(false)).Events;
        foreach (var (type, values) in export?.Profile.Identifiers ?? [])
        {
            foreach (var value in values)
            {
                var hash = hasher.Hash(type, value);
                _cache.Forget(hash);
                await _grains.Identity(hash).RepointAsync(loser, survivor).ConfigureAwait(false);
            }
        }
        if (late.Count > 0)
        {
            await DeliverAsync(survivor, late).ConfigureAwait(false);
        }
        MergesCounter.Add(1);
    }

    /// <summary>Groups (by index) that share any identifier value, transitively; each component in input order.</summary>
    private static List<List<int>> Components(IReadOnlyList<IReadOnlyDictionary<string, string>> identifiers)
    {
        var parent = new int[identifiers.Count];
        for (var i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var owner = new Dictionary<(string Type, string Value), int>(identifiers.Count);
        for (var i = 0; i < identifiers.Count; i++)
        {
            foreach (var (type, value) in identifiers[i])
            {
                if (owner.TryGetValue((type, value), out var j)) parent[Find(i)] = Find(j);
                else owner[(type, value)] = i;
            }
        }
        var components = new List<List<int>>();
        var index = new Dictionary<int, int>();
        for (var i = 0; i < parent.Length; i++)
        {
            var root = Find(i);
            if (!index.TryGetValue(root, out var c))
            {
                index[root] = c = components.Count;
                components.Add([]);
            }
            components[c].Add(i);
        }
        return components;
    }

    private static string NewProfileId() => Guid.CreateVersion7().ToString("N");

    private static string Signature(IReadOnlyDictionary<string, string> identifiers)
    {
        if (identifiers.Count == 1)
        {
            foreach (var (type, value) in identifiers) return string.Concat(type, "\u001e", value); // the common case: one identifier
        }
        return string.Join('\u001f', identifiers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "\u001e" + p.Value));
    }

    private static Task ForEachAsync(int count, Func<int, Task> body)
    {
        if (count == 1)
        {
            return body(0);
        }
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = body(i);
        }
        return Task.WhenAll(tasks);
    }
}
