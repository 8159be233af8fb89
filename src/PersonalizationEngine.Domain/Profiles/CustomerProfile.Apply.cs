using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Profiles;

public sealed partial class CustomerProfile
{
    /// <summary>Applies with default settings, taking the event's receipt time as the apply time.</summary>
    public ApplyResult Apply(CustomerEvent e) => Apply(e, ProfileSettings.Default, e.ReceivedAt);

    /// <summary>
    /// Applies one standardised event: dedup by id, identifiers, attributes (conflicts by source weight then
    /// recency), consents, features, custom type counts, then re-evaluates segments and lifecycle as of
    /// <paramref name="appliedAt"/> (the caller's clock; also used for apply latency).
    /// </summary>
    public ApplyResult Apply(CustomerEvent e, ProfileSettings settings, DateTimeOffset appliedAt)
    {
        var before = Lifecycle;
        var hash = EventIdHash.Of(e.EventId);
        if (RecentEventIds.Contains(hash)) return ApplyResult.DuplicateOf(before);
        RememberEventId(hash, appliedAt, settings);

        EventCount++;
        LatencySumSeconds += Math.Max(0, (e.ReceivedAt - e.Timestamp).TotalSeconds);
        ApplyLatencySumSeconds += Math.Max(0, (appliedAt - e.ReceivedAt).TotalSeconds);
        AddIdentifiers(e.Identifiers, settings);
        var changed = new List<string>();
        var conflicts = ApplyAttributes(e, settings, changed);
        ApplyConsents(e);
        if (!EventTypes.IsKnown(e.Type))
        {
            CustomTypeCounts ??= new(StringComparer.Ordinal);
            CustomTypeCounts[SharedStrings.Share(e.Type)] = CustomTypeCounts.GetValueOrDefault(e.Type) + 1;
        }
        State.Apply(e, settings.Features);

        var segmentChanges = EvaluateSegments(appliedAt, settings);
        return new ApplyResult(true, false, segmentChanges, before, Lifecycle, changed, conflicts);
    }

    private static readonly DateTimeOffset MinuteEpoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static int MinuteOf(DateTimeOffset at) => (int)Math.Max(0, (at - MinuteEpoch).TotalMinutes);

    /// <summary>Remembers an applied event id and forgets ids older than the window (beyond the minimum) or over the cap.</summary>
    private void RememberEventId(long hash, DateTimeOffset appliedAt, ProfileSettings settings)
    {
        var now = MinuteOf(appliedAt);
        // Snapshots from before times were kept: treat their ids as seen now.
        while (RecentEventMinutes.Count < RecentEventIds.Count) RecentEventMinutes.Insert(0, now);
        if (RecentEventIds.Count == RecentEventIds.Capacity)
        {
            // Small lists (most customers) grow by 4, larger ones by half: little spare capacity per profile.
            var count = RecentEventIds.Count;
            var capacity = Math.Min(settings.DedupCapacity + 1, count + (count < 32 ? 4 : count / 2));
            RecentEventIds.Capacity = capacity;
            RecentEventMinutes.Capacity = capacity;
        }
        RecentEventIds.Add(hash);
        RecentEventMinutes.Add(now);
        var oldest = now - (int)settings.DedupWindow.TotalMinutes;
        var minimum = Math.Min(settings.DedupMinimum, settings.DedupCapacity);
        var drop = 0;
        while (RecentEventIds.Count - drop > settings.DedupCapacity
            || (RecentEventIds.Count - drop > minimum && RecentEventMinutes[drop] < oldest))
        {
            drop++;
        }
        if (drop > 0)
        {
            RecentEventIds.RemoveRange(0, drop);
            RecentEventMinutes.RemoveRange(0, drop);
        }
    }

    /// <summary>
    /// Re-evaluates lifecycle and segment membership as of <paramref name="asOf"/>; also for a grain timer,
    /// since time alone moves a customer into "lapsed".
    /// </summary>
    public IReadOnlyList<SegmentChange> EvaluateSegments(DateTimeOffset asOf, ProfileSettings settings)
    {
        Lifecycle = State.Lifecycle(asOf, settings.Features);
        // Rules read a few features each: they are computed on demand, not as the whole view.
        var context = new ProfileConditionContext(this, FeatureView(asOf, settings));
        List<SegmentChange>? changes = null;
        foreach (var segment in settings.Segments)
        {
            var member = Segments.Contains(segment.Id);
            var now = ConditionEvaluator.Evaluate(segment.Condition, context);
            if (now == member) continue;
            if (now) EnterSegment(segment.Id, asOf); else LeaveSegment(segment.Id);
            (changes ??= []).Add(new SegmentChange(segment.Id, now, asOf));
        }
        return (IReadOnlyList<SegmentChange>?)changes ?? [];
    }

    private static readonly DateTimeOffset SecondEpoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private void EnterSegment(string segmentId, DateTimeOffset at)
    {
        var since = SegmentSince ??= new List<int>(Segments.Count + 1);
        // Memberships from before entry times were kept: entry time unknown (0).
        while (since.Count < Segments.Count) since.Add(0);
        Segments.Add(segmentId);
        since.Add((int)Math.Clamp((at - SecondEpoch).TotalSeconds, 1, int.MaxValue));
    }

    private void LeaveSegment(string segmentId)
    {
        var i = Segments.IndexOf(segmentId);
        if (i < 0) return;
        Segments.RemoveAt(i);
        if (SegmentSince is { } since && i < since.Count) since.RemoveAt(i);
        if (SegmentSince is { Count: 0 }) SegmentSince = null; // nothing to keep (and nothing written to the snapshot)
    }

    /// <summary>When the profile entered a segment it is in, or null when it is not in it or the time is unknown.</summary>
    public DateTimeOffset? SegmentEnteredAt(string segmentId)
    {
        var i = Segments.IndexOf(segmentId);
        return i >= 0 && SegmentSince is { } since && i < since.Count && since[i] > 0 ? SecondEpoch.AddSeconds(since[i]) : null;
    }

    private void AddIdentifiers(IReadOnlyDictionary<string, string> identifiers, ProfileSettings settings)
    {
        foreach (var (type, value) in identifiers)
        {
            if (settings.Identity.IsBlocked(value)) continue;
            AddIdentifier(type, value, settings);
        }
    }

    private void AddIdentifier(string type, string value, ProfileSettings settings)
    {
        if (!Identifiers.TryGetValue(type, out var values)) Identifiers[SharedStrings.Share(type)] = values = new List<string>(1);
        if (values.Contains(value)) return;
        var limit = settings.Identity.LimitOf(type);
        // Limit 1 (user_id, crm_id): the first value stays; the identity decision keeps a second one off
        // this profile. Larger limits (anonymous ids): the oldest value gives way, as in Segment Unify.
        if (values.Count >= limit)
        {
            if (limit <= 1) return;
            values.RemoveAt(0);
        }
        values.Add(value);
    }

    private int ApplyAttributes(CustomerEvent e, ProfileSettings settings, List<string> changed)
    {
        if (e.Type is not (EventTypes.ProfileUpdate or EventTypes.Signup) || (e.Properties.Strings is null && e.Properties.Numbers is null)) return 0;
        var source = ChannelNames.ToWire(e.Channel);
        var conflicts = 0;
        // Numbers (and JSON booleans, read as 1/0) from CRM/POS profiles are attributes too, in invariant text.
        var numbers = e.Properties.Numbers?.Select(n => KeyValuePair.Create(n.Key, n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))) ?? [];
        foreach (var (name, value) in (e.Properties.Strings ?? []).Concat(numbers))
        {
            var candidate = new AttributeValue
            {
                Value = value, Source = source, UpdatedAt = e.Timestamp,
                Confidence = settings.WeightOf(source) / settings.MaxWeight,
            };
            var (wins, conflict) = Resolve(Attributes.GetValueOrDefault(name), candidate, settings);
            if (conflict) conflicts++;
            if (wins) { Attributes[SharedStrings.Share(name)] = candidate; changed.Add(name); }
        }
        ConflictCount += conflicts;
        return conflicts;
    }

    /// <summary>
    /// Source weight first, then recency (issue 3). A conflict is two different values from different sources.
    /// </summary>
    private static (bool Wins, bool Conflict) Resolve(AttributeValue? current, AttributeValue candidate, ProfileSettings settings)
    {
        if (current is null) return (true, false);
        if (string.Equals(current.Value, candidate.Value, StringComparison.Ordinal))
            return (candidate.UpdatedAt > current.UpdatedAt && settings.WeightOf(candidate.Source) >= settings.WeightOf(current.Source), false);
        var conflict = current.Source != candidate.Source;
        var wc = settings.WeightOf(candidate.Source);
        var wo = settings.WeightOf(current.Source);
        var wins = wc > wo || (wc == wo && candidate.UpdatedAt >= current.UpdatedAt);
        return (wins, conflict);
    }

    private void ApplyConsents(CustomerEvent e)
    {
        var source = ChannelNames.ToWire(e.Channel);
        if (e.Type == EventTypes.Unsubscribe)
        {
            SetConsent("marketing:" + source, false, e.Timestamp, source);
            return;
        }
        if (e.Type != EventTypes.ConsentChange || e.Properties.String("purpose") is not { } purpose) return;
        var granted = e.Properties.Number("granted") is { } g ? g != 0
            : bool.TryParse(e.Properties.String("granted"), out var b) && b;
        var key = e.Properties.String("consent_channel") is { } ch ? purpose + ":" + ch : purpose;
        SetConsent(key, granted, e.Timestamp, source);
    }

    private void SetConsent(string key, bool granted, DateTimeOffset at, string source)
    {
        // Latest by event time wins, so a late "granted" cannot undo a newer withdrawal.
        if (Consents.TryGetValue(key, out var current) && current.At > at) return;
        Consents[SharedStrings.Share(key)] = new ConsentState(granted, at, source);
    }
}
