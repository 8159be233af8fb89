using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Protection;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>Customer-level operations the gateway calls; those that span grains (erasure, unmerge) are sequenced here.</summary>
public sealed class CustomerService(IGrainFactory grains, EngineKeys keys, Triggers.WebhookDispatcher webhooks, Identity.IdentityCache cache, Ingestion.IngestionService ingestion)
{
    public Task<ProfileView?> GetProfileAsync(string profileId) =>
        grains.Customer(profileId).GetProfileAsync().AsTask();

    public async Task<PersonalizationEngine.Learning.Models.ChurnScore?> ChurnRiskAsync(string profileId) =>
        (await grains.Customer(profileId).ChurnRiskAsync().ConfigureAwait(false)).Score;

    /// <summary>The flat feature view as of a given time (replays and training use the data's own clock).</summary>
    public async Task<IReadOnlyDictionary<string, double>?> FeaturesAsync(string profileId, DateTimeOffset asOf) =>
        (await grains.Customer(profileId).FeaturesAsync(asOf).ConfigureAwait(false))?.Values;

    /// <summary>GDPR access: a copy of the full profile with clear identifiers, and the events the journal still holds.</summary>
    public Task<CustomerExport?> ExportAsync(string profileId) =>
        grains.Customer(profileId).ExportAsync();

    /// <summary>Erases a customer: every identifier link, the journal stream, the snapshot and its data key, the records of profiles merged into it, and undelivered webhook payloads naming it.</summary>
    public async Task EraseAsync(string profileId)
    {
        // Everything acknowledged before the erasure is applied first, so none of it can bring the customer back after it.
        await ingestion.DrainAsync().ConfigureAwait(false);
        var erased = await grains.Customer(profileId).EraseAsync().ConfigureAwait(false);
        foreach (var merged in erased.Absorbed)
        {
            await grains.Customer(merged).ForgetAsync().ConfigureAwait(false);
        }
        await webhooks.ForgetProfileAsync(profileId).ConfigureAwait(false);
        var hasher = await keys.HasherAsync().ConfigureAwait(false);
        foreach (var (type, values) in erased.Identifiers)
        {
            foreach (var value in values)
            {
                var hash = hasher.Hash(type, value);
                cache.Forget(hash);
                await grains.Identity(hash).ReleaseAsync(profileId).ConfigureAwait(false);
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
        var keysToMove = new IdentifierKeys([.. identifiers]);
        var prepared = await grains.Customer(profileId).PrepareSplitAsync(keysToMove, newId).ConfigureAwait(false);
        if (prepared is not { } split) return null;
        await grains.Customer(newId).AbsorbAsync(split.Moved).ConfigureAwait(false);
        await grains.Customer(profileId).CompleteSplitAsync(keysToMove, newId).ConfigureAwait(false);
        var hasher = await keys.HasherAsync().ConfigureAwait(false);
        foreach (var key in identifiers)
        {
            var colon = key.IndexOf(':');
            var hash = hasher.Hash(key[..colon], key[(colon + 1)..]);
            cache.Forget(hash);
            await grains.Identity(hash).RepointAsync(profileId, newId).ConfigureAwait(false);
        }
        return (newId, split.Exact);
    }
}
