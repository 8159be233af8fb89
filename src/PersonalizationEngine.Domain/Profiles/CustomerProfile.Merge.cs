using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Profiles;

public sealed partial class CustomerProfile
{
    /// <summary>
    /// Fuses <paramref name="other"/> into this (surviving) profile, keeping provenance: identifiers are
    /// united within limits, each attribute is resolved by source weight then recency (conflicts counted),
    /// consents keep the latest decision, features add. The events themselves stay in the journal (the grain
    /// moves the absorbed profile's retained events into this profile's stream, for a later <see cref="Split"/>).
    /// </summary>
    public ApplyResult MergeFrom(CustomerProfile other, ProfileSettings settings, DateTimeOffset asOf)
    {
        var before = Lifecycle;
        foreach (var (type, values) in other.Identifiers)
        {
            foreach (var v in values) AddIdentifier(type, v, settings);
        }
        var changed = new List<string>();
        var conflicts = 0;
        foreach (var (name, theirs) in other.Attributes)
        {
            var (wins, conflict) = Resolve(Attributes.GetValueOrDefault(name), theirs, settings);
            if (conflict) conflicts++;
            if (wins) { Attributes[SharedStrings.Share(name)] = theirs; changed.Add(name); }
        }
        ConflictCount += other.ConflictCount + conflicts;
        foreach (var (key, consent) in other.Consents) SetConsent(key, consent.Granted, consent.At, consent.Source);
        if (other.CustomTypeCounts is not null)
        {
            CustomTypeCounts ??= new(StringComparer.Ordinal);
            foreach (var (t, n) in other.CustomTypeCounts) CustomTypeCounts[SharedStrings.Share(t)] = CustomTypeCounts.GetValueOrDefault(t) + n;
        }
        // Both sides' remembered ids, so a retry of an event either side applied stays a duplicate.
        for (var i = 0; i < other.RecentEventIds.Count; i++)
        {
            if (!RecentEventIds.Contains(other.RecentEventIds[i])) RememberEventId(other.RecentEventIds[i], asOf, settings);
        }
        if (other.Contacts is { } contacts)
        {
            Contacts ??= new Decisioning.ContactHistory();
            foreach (var c in contacts.Entries) Contacts.Record(c);
        }
        EventCount += other.EventCount;
        LatencySumSeconds += other.LatencySumSeconds;
        ApplyLatencySumSeconds += other.ApplyLatencySumSeconds;
        State.MergeFrom(other.State, settings.Features);
        var segmentChanges = EvaluateSegments(asOf, settings);
        return new ApplyResult(true, false, segmentChanges, before, Lifecycle, changed, conflicts);
    }

    /// <summary>
    /// Unmerge: splits this profile in two from its applied <paramref name="events"/> (as retained in the journal, in
    /// any order). Events carrying any identifier in <paramref name="identifiersToMove"/> (keys <c>type:value</c>) go
    /// to a new profile <paramref name="newProfileId"/>, the rest stay; each side is rebuilt from scratch by
    /// re-applying its events in event-time order (a repeated event id counts once). Exact when the two sides
    /// together re-applied as many events as this profile applied (none was trimmed away); otherwise only the
    /// given events are redistributed and the flag is false.
    /// </summary>
    public ProfileSplit Split(IEnumerable<CustomerEvent> events, IReadOnlySet<string> identifiersToMove, string newProfileId, ProfileSettings settings, DateTimeOffset asOf)
    {
        var remaining = new CustomerProfile(ProfileId);
        var moved = new CustomerProfile(newProfileId);
        var remainingEvents = new List<CustomerEvent>();
        var movedEvents = new List<CustomerEvent>();
        foreach (var e in events.OrderBy(e => e.Timestamp))
        {
            var goes = e.Identifiers.Any(p => identifiersToMove.Contains(p.Key + ":" + p.Value));
            if ((goes ? moved : remaining).Apply(e, settings, e.ReceivedAt).Applied) (goes ? movedEvents : remainingEvents).Add(e);
        }
        remaining.EvaluateSegments(asOf, settings);
        moved.EvaluateSegments(asOf, settings);
        return new ProfileSplit(remaining, remainingEvents, moved, movedEvents, remaining.EventCount + moved.EventCount == EventCount);
    }

    /// <summary>Identifiers masked for display (<c>a***@b.com</c>).</summary>
    public Dictionary<string, List<string>> MaskedIdentifiers() =>
        Identifiers.ToDictionary(p => p.Key, p => p.Value.Select(v => Identity.IdentifierMasker.Mask(p.Key, v)).ToList());
}

/// <summary>
/// The two sides of <see cref="CustomerProfile.Split"/>: each rebuilt profile with the events it applied (event-time
/// order), and whether the split is exact (every event the profile had applied was among those given).
/// </summary>
public sealed record ProfileSplit(
    CustomerProfile Remaining,
    IReadOnlyList<CustomerEvent> RemainingEvents,
    CustomerProfile Moved,
    IReadOnlyList<CustomerEvent> MovedEvents,
    bool Exact);
