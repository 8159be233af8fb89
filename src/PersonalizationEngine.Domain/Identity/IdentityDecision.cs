namespace PersonalizationEngine.Domain.Identity;

/// <summary>
/// The outcome of <see cref="IdentityResolver.Decide"/>. <see cref="SurvivorProfileId"/> is null for Create;
/// <see cref="MergedProfileIds"/> are folded into the survivor (their identifiers re-pointed to it);
/// <see cref="Accepted"/> are the identifiers to map to the resulting profile.
/// </summary>
public sealed record IdentityDecision(
    IdentityDecisionKind Kind,
    string? SurvivorProfileId,
    IReadOnlyList<string> MergedProfileIds,
    IReadOnlyDictionary<string, string> Accepted,
    IReadOnlyList<DroppedIdentifier> Dropped);
