using System.Globalization;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Identity;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>
/// The console's read side (issue 19): the timeline and the identity graph from the events the journal stream still
/// holds, segments with entry times, and the last few decisions with their score breakdown and outcomes. Nothing
/// here changes the profile; identifiers leave masked (the timeline names only their types).
/// </summary>
public sealed partial class CustomerGrain
{
    /// <summary>Decisions remembered per customer for the console (in memory only, while the customer is active).</summary>
    private const int RememberedDecisionCount = 5;

    /// <summary>Properties the timeline shows: amounts and the names of things, never free text a person typed.</summary>
    private static readonly string[] TimelineProperties =
    [
        "amount", "price", "quantity", "revenue", "currency", "rating", "category", "brand", "sku", "product_id",
        "offerId", "offer_id", "decisionId", "decision_id", "placement", "purpose", "consent_channel", "granted",
    ];

    private RememberedDecisions? _decided;

    /// <summary>
    /// Remembers what the console shows of a decision (called by <c>DecideAsync</c>; no call filter, no cost to other
    /// calls): values in a ring, not the answer itself, so an answer does not outlive its request.
    /// </summary>
    private DecisionView Remember(DecisionView view, DecideInput input)
    {
        if (view.ProfileId is null) return view;
        (_decided ??= new RememberedDecisions(RememberedDecisionCount)).Add(new RememberedDecision(view, input.Channel, input.Placement, time.GetUtcNow()));
        return view;
    }

    public async Task<TimelinePage?> TimelineAsync(TimelineQuery query)
    {
        if (!Exists) return null;
        var entries = await JournalEventsAsync().ConfigureAwait(true);
        entries.Sort((a, b) => b.Event.Timestamp != a.Event.Timestamp ? b.Event.Timestamp.CompareTo(a.Event.Timestamp) : b.Sequence.CompareTo(a.Sequence));
        var page = entries.Skip(Math.Max(0, query.Offset)).Take(Math.Clamp(query.Limit, 1, 200)).Select(x => new TimelineEntry(
            x.Event.EventId, x.Event.Type, ChannelNames.ToWire(x.Event.Channel), x.Event.Timestamp, x.Event.ReceivedAt,
            KeyProperties(x.Event), [.. x.Event.Identifiers.Keys.Order(StringComparer.Ordinal)], x.Origin)).ToList();
        return new TimelinePage(page, entries.Count, _profile?.EventCount ?? 0);
    }

    public async Task<IdentityGraph?> IdentityGraphAsync()
    {
        if (!Exists) return null;
        var entries = await JournalEventsAsync().ConfigureAwait(true);
        var first = new Dictionary<string, (string Source, DateTimeOffset At, string? Origin)>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var x in entries.OrderBy(x => x.Event.Timestamp).ThenBy(x => x.Sequence))
        {
            foreach (var (type, value) in x.Event.Identifiers)
            {
                var key = type + ":" + value;
                counts[key] = counts.GetValueOrDefault(key) + 1;
                first.TryAdd(key, (ChannelNames.ToWire(x.Event.Channel), x.Event.Timestamp, x.Origin));
            }
        }
        var nodes = new List<IdentityNode>();
        foreach (var (type, values) in _profile!.Identifiers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var value in values)
            {
                var key = type + ":" + value;
                var seen = first.TryGetValue(key, out var f);
                nodes.Add(new IdentityNode(type, IdentifierMasker.Mask(type, value), seen ? f.Source : null, seen ? f.At : null, counts.GetValueOrDefault(key), seen ? f.Origin : null));
            }
        }
        return new IdentityGraph(Key, nodes, IdentityChanges(entries), entries.Count);
    }

    /// <summary>
    /// Merges and unmerges as the stream records them: history entries carry the profile they came from. A merge
    /// moves the absorbed profile's events in (origin: the absorbed profile); an unmerge re-appends the remaining side's
    /// events (origin: the profile split off) and gives the new profile its own (origin: itself).
    /// </summary>
    private List<IdentityChange> IdentityChanges(List<(long Sequence, DateTimeOffset RecordedAt, string? Origin, CustomerEvent Event)> entries)
    {
        var absorbed = State.Absorbed ?? [];
        var changes = entries.Where(x => x.Origin is not null).GroupBy(x => x.Origin!, StringComparer.Ordinal).Select(g =>
        {
            var kind = g.Key == Key ? "split-from" : absorbed.Contains(g.Key) ? "merged" : "split-off";
            return new IdentityChange(kind, g.Key, g.Min(x => x.RecordedAt), g.Count());
        }).ToList();
        foreach (var id in absorbed)
        {
            if (id != Key && !changes.Any(c => c.ProfileId == id)) changes.Add(new IdentityChange("merged", id, null, 0));
        }
        changes.Sort((a, b) => Nullable.Compare(a.At, b.At));
        return changes;
    }

    public ValueTask<CustomerActivity?> ActivityAsync()
    {
        if (!Exists) return ValueTask.FromResult<CustomerActivity?>(null);
        var p = _profile!;
        RefreshSegments(time.GetUtcNow());
        var segments = p.Segments.Select(s => new SegmentMembership(s, p.SegmentEnteredAt(s))).ToList();
        var count = _decided?.Count ?? 0;
        var records = new List<DecisionRecord>(count);
        for (var i = count - 1; i >= 0; i--)
        {
            ref var d = ref _decided![i];
            DateTimeOffset? next = i + 1 < count ? _decided[i + 1].At : null;
            var id = d.DecisionId;
            var pending = _pending.IndexOf(id);
            var converted = pending >= 0 && _pending[pending].Converted;
            var offers = new List<DecidedOffer>(d.OfferCount);
            for (var k = 0; k < d.OfferCount; k++)
            {
                var o = d.Offer(k);
                offers.Add(new DecidedOffer(o.OfferId, o.Score, o.Propensity, o.ContextWeight, o.Value, o.Lever, RememberedDecision.ReasonsOf(o), Outcomes(o.OfferId, d.At, next)));
            }
            records.Add(new DecisionRecord(id, d.At, d.Channel, d.Placement, d.Control, offers, d.Excluded, converted));
        }
        return ValueTask.FromResult<CustomerActivity?>(new CustomerActivity(segments, records));
    }

    /// <summary>
    /// What the customer did with an offer after a decision: the contact history's kinds for it from the decision until
    /// the next one (contacts carry the event's own time, so a minute of clock skew is allowed).
    /// </summary>
    private List<string> Outcomes(string offerId, DateTimeOffset at, DateTimeOffset? next)
    {
        var outcomes = new List<string>();
        if (_profile?.Contacts is not { } contacts) return outcomes;
        var from = at - TimeSpan.FromMinutes(1);
        foreach (var c in contacts.Entries)
        {
            if (c.OfferId != offerId || c.At < from || (next is { } n && c.At >= n)) continue;
            var kind = c.Kind switch { ContactKind.Impression => "impression", ContactKind.Click => "click", ContactKind.Accept => "accept", _ => "reject" };
            if (!outcomes.Contains(kind)) outcomes.Add(kind);
        }
        return outcomes;
    }

    /// <summary>The applied events the stream holds (as <see cref="RetainedEventsAsync"/>), with their position, time recorded and origin.</summary>
    private async Task<List<(long Sequence, DateTimeOffset RecordedAt, string? Origin, CustomerEvent Event)>> JournalEventsAsync()
    {
        var events = new List<(long, DateTimeOffset, string?, CustomerEvent)>();
        if (_dataKey is null) return events;
        await foreach (var entry in storage.Journal.ReadAsync(Key, 0).ConfigureAwait(true))
        {
            var (e, history) = OpenEntry(entry);
            if (!history && entry.Sequence > State.JournalSequence) continue; // a batch on its way, not applied yet
            var colon = entry.EventId.IndexOf(':');
            events.Add((entry.Sequence, entry.RecordedAt, history && colon > 0 ? entry.EventId[..colon] : null, e));
        }
        return events;
    }

    /// <summary>The properties the timeline shows (see <see cref="TimelineProperties"/>); a profile update names its attributes only.</summary>
    internal static Dictionary<string, string> KeyProperties(CustomerEvent e)
    {
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        var p = e.Properties;
        foreach (var name in TimelineProperties)
        {
            if (p.Number(name) is { } n) shown[name] = n.ToString(CultureInfo.InvariantCulture);
            else if (e.Type is not (EventTypes.ProfileUpdate or EventTypes.Signup) && p.String(name) is { } s) shown[name] = s.Length > 64 ? s[..64] + "…" : s;
        }
        if (p.Items is { Count: > 0 } items) shown["items"] = items.Count.ToString(CultureInfo.InvariantCulture);
        if (e.Type is EventTypes.ProfileUpdate or EventTypes.Signup && p.Strings is { Count: > 0 } attributes)
        {
            shown["attributes"] = string.Join(", ", attributes.Keys.Order(StringComparer.Ordinal));
        }
        return shown;
    }
}
