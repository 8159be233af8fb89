using PersonalizationEngine.Actors;
using PersonalizationEngine.Grains.Identity;
using PersonalizationEngine.Grains.Protection;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>Customer-level operations that span grains: erasure (profile, journal, key and identifier links).</summary>
public sealed class CustomerService(IGrainFactory grains, EngineKeys keys, Triggers.WebhookDispatcher webhooks)
{
    public Task<ProfileView?> GetProfileAsync(string profileId) =>
        grains.GetGrain<CustomerGrain>(profileId).InvokeAsync(static g => g.GetProfile()).AsTask();

    public Task<PersonalizationEngine.Learning.Models.ChurnScore?> ChurnRiskAsync(string profileId) =>
        grains.GetGrain<CustomerGrain>(profileId).InvokeAsync(static g => g.ChurnRisk()).AsTask();

    /// <summary>The flat feature view as of a given time (replays and training use the data's own clock).</summary>
    public Task<IReadOnlyDictionary<string, double>?> FeaturesAsync(string profileId, DateTimeOffset asOf) =>
        grains.GetGrain<CustomerGrain>(profileId).InvokeAsync(asOf, static (g, at) => g.Features(at)).AsTask();

    /// <summary>GDPR access: a copy of the full profile with clear identifiers, and the events the journal still holds.</summary>
    public Task<CustomerExport?> ExportAsync(string profileId) =>
        grains.GetGrain<CustomerGrain>(profileId).CallAsync(static g => g.ExportAsync());

    /// <summary>Erases a customer: every identifier link, the journal stream, the snapshot and its data key, the records of profiles merged into it, and undelivered webhook payloads naming it.</summary>
    public async Task EraseAsync(string profileId)
    {
        var (identifiers, absorbed) = await grains.GetGrain<CustomerGrain>(profileId).CallAsync(g => g.EraseAsync()).ConfigureAwait(false);
        foreach (var merged in absorbed)
        {
            await grains.GetGrain<CustomerGrain>(merged).CallAsync(g => g.ForgetAsync()).ConfigureAwait(false);
        }
        await webhooks.ForgetProfileAsync(profileId).ConfigureAwait(false);
        var hasher = await keys.HasherAsync().ConfigureAwait(false);
        foreach (var (type, values) in identifiers)
        {
            foreach (var value in values)
            {
                await grains.GetGrain<IdentityGrain>(hasher.Hash(type, value)).CallAsync(g => g.ReleaseAsync(profileId)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Unmerge: moves the events that carry the given identifiers (<c>type:value</c>, already normalised) to a
    /// new profile and re-links those identifiers to it. Both sides are rebuilt from the events the profile's journal
    /// retains (<see cref="EngineOptions.UnmergeRetainEvents"/>). Returns the new profile id and whether the split was
    /// exact (every event the profile applied was still retained), or null when the profile does not exist.
    /// </summary>
    public async Task<(string NewProfileId, bool Exact)?> UnmergeAsync(string profileId, IReadOnlySet<string> identifiers)
    {
        var newId = Guid.CreateVersion7().ToString("N");
        var prepared = await grains.GetGrain<CustomerGrain>(profileId).CallAsync(g => g.PrepareSplitAsync(identifiers, newId)).ConfigureAwait(false);
        if (prepared is not { } split) return null;
        await grains.GetGrain<CustomerGrain>(newId).CallAsync(g => g.AbsorbAsync(split.Moved)).ConfigureAwait(false);
        await grains.GetGrain<CustomerGrain>(profileId).CallAsync(g => g.CompleteSplitAsync(identifiers, newId)).ConfigureAwait(false);
        var hasher = await keys.HasherAsync().ConfigureAwait(false);
        foreach (var key in identifiers)
        {
            var colon = key.IndexOf(':');
            await grains.GetGrain<IdentityGrain>(hasher.Hash(key[..colon], key[(colon + 1)..])).CallAsync(g => g.RepointAsync(profileId, newId)).ConfigureAwait(false);
        }
        return (newId, split.Exact);
    }
}
