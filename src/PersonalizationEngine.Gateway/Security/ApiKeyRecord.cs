using System.Text.Json.Serialization;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>A stored API key: only the SHA-256 of the secret is kept, never the key itself.</summary>
public sealed record ApiKeyRecord(string Id, string Name, IReadOnlyList<string> Scopes, string Hash, string Prefix, DateTimeOffset CreatedAt, bool Bootstrap = false)
{
    /// <summary><see cref="KeyTrust.Server"/> or <see cref="KeyTrust.Browser"/>; records stored before trust levels existed are server keys.</summary>
    public string Trust { get; init; } = KeyTrust.Server;

    /// <summary>Origins (<c>https://shop.example</c>) a browser key may be used from; <c>*</c> allows any. Empty: same origin only.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>
    /// The per-source secret of identity verification (user hashes). Configured keys carry it from configuration;
    /// keys created through the API derive it from the engine's identity key, so it is never stored.
    /// </summary>
    [JsonIgnore]
    public string? VerificationSecret { get; init; }

    [JsonIgnore]
    public bool IsBrowser => Trust == KeyTrust.Browser;

    public bool Allows(string scope) => Scopes.Contains(ApiScopes.Admin) || Scopes.Contains(scope);
}
