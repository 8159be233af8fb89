namespace PersonalizationEngine.Contracts;

/// <summary>
/// One identifier, keyed by its keyed hash (HMAC of <c>type:value</c>): the profile it belongs to. Claims are atomic
/// (one call at a time), which is what makes concurrent first events of the same person converge on one profile.
/// </summary>
[Alias("pe.IIdentityGrain")]
public interface IIdentityGrain : IGrainWithStringKey
{
    [Alias("get")]
    ValueTask<string?> GetAsync();

    /// <summary>Links the identifier to <paramref name="profileId"/> unless it is linked already; returns the owner.</summary>
    [Alias("claim")]
    Task<string> ClaimAsync(string profileId);

    /// <summary>Moves the link from a merged profile to the survivor (no-op if it points elsewhere).</summary>
    [Alias("repoint")]
    Task RepointAsync(string from, string to);

    /// <summary>Drops the link if it belongs to <paramref name="profileId"/> (erasure).</summary>
    [Alias("release")]
    Task ReleaseAsync(string profileId);
}
