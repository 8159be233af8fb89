using PersonalizationEngine.Actors;

namespace PersonalizationEngine.Grains.Identity;

/// <summary>The profile an identifier belongs to. Stored as a link only; no personal data.</summary>
public sealed class IdentityLink
{
    public string? ProfileId { get; set; }
}

/// <summary>
/// One identifier, keyed by its keyed hash (HMAC of <c>type:value</c>), so neither the key nor the state holds
/// the identifier itself. Claims are atomic (one turn at a time): the first profile to claim an identifier
/// owns it, which is what makes concurrent first events of the same person converge on one profile.
/// </summary>
[GrainType("identity")]
public sealed class IdentityGrain : Grain<IdentityLink>
{
    public string? Get() => State.ProfileId;

    /// <summary>Links the identifier to <paramref name="profileId"/> unless it is linked already; returns the owner.</summary>
    public async Task<string> ClaimAsync(string profileId)
    {
        if (State.ProfileId is { } owner)
        {
            return owner;
        }
        State.ProfileId = profileId;
        await WriteStateAsync().ConfigureAwait(false);
        return profileId;
    }

    /// <summary>Moves the link from a merged profile to the survivor (no-op if it points elsewhere).</summary>
    public async Task RepointAsync(string from, string to)
    {
        if (State.ProfileId == from)
        {
            State.ProfileId = to;
            await WriteStateAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drops the link if it belongs to <paramref name="profileId"/> (erasure).</summary>
    public async Task ReleaseAsync(string profileId)
    {
        if (State.ProfileId == profileId)
        {
            await ClearStateAsync().ConfigureAwait(false);
            DeactivateOnIdle();
        }
    }
}
