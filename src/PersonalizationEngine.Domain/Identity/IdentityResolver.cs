namespace PersonalizationEngine.Domain.Identity;

/// <summary>
/// Pure identity decision (issue 3, Segment Unify style). The caller looks up, for each identifier of the
/// event, the profile it maps to today and the identifiers those profiles hold; this class decides.
/// Identifiers are visited in priority order: a mapped one pulls its profile in (the first such profile
/// survives) unless the union would exceed a per-type limit, in which case that identifier is dropped and the
/// merge refused; an unmapped one is added unless it would exceed a limit. So an event with user_id B and a
/// shared device that already belongs to user A creates or attaches B's profile and leaves A alone.
/// </summary>
public sealed class IdentityResolver(IdentityRules rules)
{
    public IdentityRules Rules => rules;

    /// <summary>
    /// The common case decided without the profiles' identifier lists: every identifier of the event already
    /// maps to one and the same profile (and none is blocked), so the event attaches to it with all its
    /// identifiers. Null when the full <see cref="Decide"/> is needed.
    /// </summary>
    public IdentityDecision? TryAttachKnown(IReadOnlyDictionary<string, string> identifiers, Func<string, string?> mappedProfile)
    {
        string? profile = null;
        foreach (var (type, value) in identifiers)
        {
            if (rules.IsBlocked(value)) return null;
            var mapped = mappedProfile(type + ":" + value);
            if (mapped is null || profile is not null && mapped != profile) return null;
            profile = mapped;
        }
        return profile is null ? null : new IdentityDecision(IdentityDecisionKind.Attach, profile, [], identifiers, []);
    }

    /// <param name="identifiers">The event's standardised identifiers, type -> value.</param>
    /// <param name="mappedProfile">For an identifier key <c>type:value</c>, the profile it maps to, if any.</param>
    /// <param name="profileIdentifiers">For each mapped profile id, its identifiers (type -> values).</param>
    public IdentityDecision Decide(
        IReadOnlyDictionary<string, string> identifiers,
        Func<string, string?> mappedProfile,
        Func<string, IReadOnlyDictionary<string, List<string>>> profileIdentifiers)
    {
        var dropped = new List<DroppedIdentifier>();
        var accepted = new Dictionary<string, string>(StringComparer.Ordinal);
        var group = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        string? survivor = null;
        var merged = new List<string>();

        foreach (var (type, value) in identifiers.OrderBy(p => rules.PriorityOf(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            if (rules.IsBlocked(value)) { dropped.Add(new(type, "blocked value")); continue; }
            var profile = mappedProfile(type + ":" + value);
            if (profile is not null && (profile == survivor || merged.Contains(profile)))
            {
                accepted[type] = value;
                continue;
            }
            if (profile is null)
            {
                if (!Fits(group, type, [value])) { dropped.Add(new(type, $"limit of {rules.LimitOf(type)} {type} per profile")); continue; }
                Add(group, type, [value]);
                accepted[type] = value;
                continue;
            }
            var theirs = profileIdentifiers(profile);
            var breaks = theirs.FirstOrDefault(p => !Fits(group, p.Key, p.Value)).Key ?? (Fits(group, type, [value]) ? null : type);
            if (breaks is not null)
            {
                dropped.Add(new(type, $"merge refused: would exceed the limit of {rules.LimitOf(breaks)} {breaks} per profile"));
                continue;
            }
            foreach (var (t, values) in theirs) Add(group, t, values);
            Add(group, type, [value]);
            accepted[type] = value;
            if (survivor is null) survivor = profile; else merged.Add(profile);
        }

        var kind = accepted.Count == 0 ? IdentityDecisionKind.Reject
            : survivor is null ? IdentityDecisionKind.Create
            : merged.Count == 0 ? IdentityDecisionKind.Attach
            : IdentityDecisionKind.Merge;
        return new IdentityDecision(kind, survivor, merged, accepted, dropped);
    }

    private bool Fits(Dictionary<string, HashSet<string>> group, string type, IEnumerable<string> values)
    {
        var count = group.TryGetValue(type, out var set) ? set.Count : 0;
        foreach (var v in values)
        {
            if (set is null || !set.Contains(v)) count++;
        }
        return count <= rules.LimitOf(type);
    }

    private static void Add(Dictionary<string, HashSet<string>> group, string type, IEnumerable<string> values)
    {
        if (!group.TryGetValue(type, out var set)) group[type] = set = new HashSet<string>(StringComparer.Ordinal);
        set.UnionWith(values);
    }
}
