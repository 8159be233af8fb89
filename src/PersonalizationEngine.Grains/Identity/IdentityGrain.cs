using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Hosting;

namespace PersonalizationEngine.Grains.Identity;

/// <summary>The profile an identifier belongs to. Stored as a link only; no personal data.</summary>
public sealed class IdentityLink
{
    public string? ProfileId { get; set; }
}

/// <summary>
/// One identifier, keyed by its keyed hash (HMAC of <c>type:value</c>), so neither the key nor the state holds
/// the identifier itself. Claims are atomic (one call at a time): the first profile to claim an identifier
/// owns it, which is what makes concurrent first events of the same person converge on one profile.
/// </summary>
[GrainType("identity")]
public sealed class IdentityGrain([PersistentState("identity", EngineGrainStorage.Name)] IPersistentState<IdentityLink> link) : Grain, IIdentityGrain
{
    public ValueTask<string?> GetAsync() => ValueTask.FromResult(link.State.ProfileId);

    public async Task<string> ClaimAsync(string profileId)
    {
        if (link.State.ProfileId is { } owner)
        {
            return owner;
        }
        link.State.ProfileId = profileId;
        try
        {
            await StoreCalls.Unwrapped(link.WriteStateAsync());
        }
        catch
        {
            link.State.ProfileId = null; // not claimed: a retry must not find a link that was never stored
            throw;
        }
        return profileId;
    }

    public async Task RepointAsync(string from, string to)
    {
        if (link.State.ProfileId == from)
        {
            link.State.ProfileId = to;
            try
            {
                await StoreCalls.Unwrapped(link.WriteStateAsync());
            }
            catch
            {
                link.State.ProfileId = from;
                throw;
            }
        }
    }

    public async Task ReleaseAsync(string profileId)
    {
        if (link.State.ProfileId == profileId)
        {
            await StoreCalls.Unwrapped(link.ClearStateAsync());
            DeactivateOnIdle();
        }
    }
}
