namespace PersonalizationEngine.Domain.Profiles;

public sealed partial class CustomerProfile
{
    /// <summary>
    /// Fuses <paramref name="other"/> into this (surviving) profile, keeping provenance: identifiers are
    /// united within limits, each attribute is resolved by source weight then recency (conflicts counted),
    /// consents keep the latest decision, features add, event histories interleave by event time.
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
            if (wins) { Attributes[name] = theirs; changed.Add(name); }
        }
        ConflictCount += other.ConflictCount + conflicts;
        foreach (var (key, consent) in other.Consents) SetConsent(key, consent.Granted, consent.At, consent.Source);
        if (other.CustomTypeCounts is not null)
        {
            CustomTypeCounts ??= new(StringComparer.Ordinal);
            foreach (var (t, n) in other.CustomTypeCounts) CustomTypeCounts[t] = CustomTypeCounts.GetValueOrDefault(t) + n;
        }
        // Both sides' remembered ids, so a retry of an event either side applied stays a duplicate.
        for (var i = 0; i < other.RecentEventIds.Count; i++)
        {
            if (!RecentEventIds.Contains(other.RecentEventIds[i])) RememberEventId(other.RecentEventIds[i], asOf, settings);
        }
        History = [.. History.Concat(other.History).OrderBy(e => e.Timestamp).TakeLast(settings.HistoryLimit)];
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
    /// Unmerge: splits this profile in two. Events carrying any identifier in <paramref name="identifiersToMove"/>
    /// (keys <c>type:value</c>) go to a new profile <paramref name="newProfileId"/>, the rest stay; each side
    /// is rebuilt from scratch by re-applying its events in event-time order. Exact when
    /// <see cref="HistoryComplete"/>; otherwise only the kept events are redistributed (returned flag false).
    /// </summary>
    public (CustomerProfile Remaining, CustomerProfile Moved, bool Exact) Split(
        IReadOnlySet<string> identifiersToMove, string newProfileId, ProfileSettings settings, DateTimeOffset asOf)
    {
        var exact = HistoryComplete;
        var remaining = new CustomerProfile(ProfileId);
        var moved = new CustomerProfile(newProfileId);
        foreach (var e in History.OrderBy(e => e.Timestamp))
        {
            var goes = e.Identifiers.Any(p => identifiersToMove.Contains(p.Key + ":" + p.Value));
            (goes ? moved : remaining).Apply(e, settings, e.ReceivedAt);
        }
        remaining.EvaluateSegments(asOf, settings);
        moved.EvaluateSegments(asOf, settings);
        return (remaining, moved, exact);
    }

    /// <summary>Identifiers masked for display (<c>a***@b.com</c>).</summary>
    public Dictionary<string, List<string>> MaskedIdentifiers() =>
        Identifiers.ToDictionary(p => p.Key, p => p.Value.Select(v => Identity.IdentifierMasker.Mask(p.Key, v)).ToList());
}
