using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Grains.Identity;

/// <summary>
/// This node's memory of which profile an identifier (its keyed hash) belongs to, so a returning customer's events and
/// decisions need no identity-grain call and no merge check: one call to the customer grain. Every use is
/// self-checking: a customer grain that was merged away answers <c>MovedTo</c> (ingestion follows it) or, for a
/// decision, that it holds no profile (the gateway then forgets the entry and resolves again through the identity
/// grains). Links this node changes (claims, merges, unmerges, erasure) are forgotten here at once. Bounded: when it
/// holds <see cref="EngineOptions.IdentityCacheSize"/> entries it starts again empty. Holds keyed hashes and profile
/// ids only, no identifier in clear.
/// </summary>
public sealed class IdentityCache(IOptions<EngineOptions> options)
{
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.IdentityCacheSize;

    public bool TryGet(string hash, out string profileId) => _owners.TryGetValue(hash, out profileId!);

    public void Set(string hash, string profileId)
    {
        if (_capacity <= 0) return;
        if (_owners.Count >= _capacity) _owners.Clear();
        _owners[hash] = profileId;
    }

    public void Forget(string hash) => _owners.TryRemove(hash, out _);

    public int Count => _owners.Count;
}
