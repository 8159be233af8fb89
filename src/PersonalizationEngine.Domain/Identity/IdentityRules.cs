namespace PersonalizationEngine.Domain.Identity;

/// <summary>
/// Identity resolution rules in the Segment Unify style (priority per type, a limit of values per type per
/// profile, blocked values), so a shared device or a junk id cannot collapse many people into one profile.
/// </summary>
public sealed record IdentityRules
{
    /// <summary>Lower number = higher priority; types not listed come after, in <see cref="DefaultPriority"/>.</summary>
    public IReadOnlyDictionary<string, int> Priority { get; init; } = new Dictionary<string, int>
    {
        [IdentifierTypes.UserId] = 1, [IdentifierTypes.CrmId] = 2, [IdentifierTypes.LoyaltyId] = 3,
        [IdentifierTypes.Email] = 4, [IdentifierTypes.Phone] = 5, [IdentifierTypes.DeviceId] = 6,
        [IdentifierTypes.AnonymousId] = 7,
    };

    public int DefaultPriority { get; init; } = 100;

    /// <summary>Maximum values per type per profile (Segment's defaults: one user_id, several anonymous ids).</summary>
    public IReadOnlyDictionary<string, int> Limits { get; init; } = new Dictionary<string, int>
    {
        [IdentifierTypes.UserId] = 1, [IdentifierTypes.CrmId] = 1, [IdentifierTypes.LoyaltyId] = 1,
        [IdentifierTypes.Email] = 5, [IdentifierTypes.Phone] = 3, [IdentifierTypes.DeviceId] = 5,
        [IdentifierTypes.AnonymousId] = 5,
    };

    public int DefaultLimit { get; init; } = 5;

    /// <summary>Values that never identify anybody (compared case-insensitively after trimming).</summary>
    public IReadOnlySet<string> BlockedValues { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "", "null", "undefined", "none", "nil", "anonymous", "unknown", "0", "-1", "n/a", "test@test.com",
    };

    public int PriorityOf(string type) => Priority.TryGetValue(type, out var p) ? p : DefaultPriority;

    public int LimitOf(string type) => Limits.TryGetValue(type, out var l) ? l : DefaultLimit;

    public bool IsBlocked(string value) => BlockedValues.Contains(value.Trim());
}
