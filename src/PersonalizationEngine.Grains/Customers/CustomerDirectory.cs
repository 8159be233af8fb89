using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Protection;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>How a customer reference (<c>type:value</c> or a profile id) resolved.</summary>
public sealed record CustomerRefResult(string? ProfileId, ValidationError? Error, string? CachedHash = null)
{
    public bool Found => ProfileId is not null;

    /// <summary>Answered from this node's identity cache: a grain that says it holds no profile means the entry was stale.</summary>
    public bool Cached => CachedHash is not null;
}

/// <summary>
/// Finds the live profile for a reference: an identifier <c>type:value</c> (normalised the same way events
/// are, then looked up by its keyed hash) or the engine's own profile id; merge forwarding is followed.
/// </summary>
public sealed class CustomerDirectory(IGrainFactory grains, EngineKeys keys, Ingestion.IngestionService ingestion, Identity.IdentityCache cache)
{
    /// <summary>Forgets a cached link that turned out stale (see <see cref="CustomerRefResult.Cached"/>).</summary>
    public void Forget(CustomerRefResult stale)
    {
        if (stale.CachedHash is { } hash) cache.Forget(hash);
    }

    /// <param name="allowCached">Answer a known identifier from this node's identity cache without any grain call; the
    /// caller checks the customer grain's answer and calls <see cref="Forget"/> and resolves again when it was stale.</param>
    public async Task<CustomerRefResult> ResolveAsync(string reference, bool allowCached = false)
    {
        reference = reference.Trim();
        if (reference.Length is 0 or > 1100)
        {
            return new(null, new ValidationError("ref", "A customer reference is an identifier 'type:value' or a profile id."));
        }
        string profileId;
        var colon = reference.IndexOf(':');
        if (colon < 0 || reference.StartsWith("profile:", StringComparison.Ordinal))
        {
            profileId = colon < 0 ? reference : reference[(colon + 1)..];
        }
        else
        {
            var type = reference[..colon].Trim().ToLowerInvariant();
            var value = ingestion.Standardizer.NormalizeIdentifier(type, reference[(colon + 1)..]);
            if (type.Length == 0 || value is null || value.Length == 0)
            {
                return new(null, new ValidationError("ref", $"'{type}' value is not a valid identifier of that type."));
            }
            // Read-your-writes: events acknowledged for this identifier are applied first (bounded wait; log-first ingestion).
            await ingestion.AwaitAppliedAsync(type, value).ConfigureAwait(false);
            var hasher = await keys.HasherAsync().ConfigureAwait(false);
            var hash = hasher.Hash(type, value);
            if (allowCached && cache.TryGet(hash, out var remembered))
            {
                await ingestion.AwaitProfileAppliedAsync(remembered).ConfigureAwait(false);
                return new(remembered, null, hash);
            }
            var owner = await grains.Identity(hash).GetAsync().ConfigureAwait(false);
            if (owner is null)
            {
                return new(null, null);
            }
            await ingestion.AwaitProfileAppliedAsync(owner).ConfigureAwait(false);
            var found = await FollowAsync(owner).ConfigureAwait(false);
            if (found.Found) cache.Set(hash, found.ProfileId!);
            return found;
        }
        await ingestion.AwaitProfileAppliedAsync(profileId).ConfigureAwait(false);
        return await FollowAsync(profileId).ConfigureAwait(false);
    }

    /// <summary>Follows merge forwarding from a profile id to the live profile (not found when it does not exist).</summary>
    private async Task<CustomerRefResult> FollowAsync(string profileId)
    {
        for (var hop = 0; hop < 8; hop++)
        {
            var (exists, next) = await grains.Customer(profileId).StatusAsync().ConfigureAwait(false);
            if (next is not null)
            {
                profileId = next;
                continue;
            }
            return exists ? new(profileId, null) : new(null, null);
        }
        return new(null, null);
    }
}
