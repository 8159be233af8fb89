using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Contracts;

/// <summary>
/// <c>POST /api/v1/keys</c>: a name, the scopes the key grants, its trust level (<c>server</c>, a secret held by a
/// backend, the default; or <c>browser</c>, public in a web page, ingest only) and, for a browser key, the origins
/// allowed to use it.
/// </summary>
public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Scopes, string? Trust = null, IReadOnlyList<string>? AllowedOrigins = null) : IValidatedRequest
{
    /// <summary>The trust level asked for (server when not given or not valid).</summary>
    public string TrustLevel => Trust is not null && KeyTrust.TryParse(Trust, out var t) ? t : KeyTrust.Server;

    /// <summary>The allowed origins, normalised (only once <see cref="Validate"/> found none invalid).</summary>
    public IReadOnlyList<string> Origins => [.. (AllowedOrigins ?? []).Select(o => PersonalizationEngine.Gateway.Security.Origins.TryNormalize(o, out var n) ? n : o)];

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100) errors.Add(new("name", "name is required (1 to 100 characters)."));
        if (Scopes is not { Count: > 0 }) errors.Add(new("scopes", "scopes is a non-empty array of ingest, query, admin."));
        else
        {
            for (var i = 0; i < Scopes.Count; i++)
            {
                if (Scopes[i] is null || !ApiScopes.All.Contains(Scopes[i])) errors.Add(new($"scopes[{i}]", "Unknown scope: use ingest, query or admin."));
            }
        }
        if (Trust is not null && !KeyTrust.TryParse(Trust, out _))
        {
            errors.Add(new("trust", "trust is 'server' (a secret held by a backend) or 'browser' (public, in a web page)."));
        }
        else if (TrustLevel == KeyTrust.Browser && Scopes is { } scopes && scopes.Any(s => s != ApiScopes.Ingest))
        {
            errors.Add(new("trust", "A browser key is public: it may have only the ingest scope."));
        }
        if (AllowedOrigins is { } origins)
        {
            var bad = false;
            for (var i = 0; i < origins.Count; i++)
            {
                if (!PersonalizationEngine.Gateway.Security.Origins.TryNormalize(origins[i], out _))
                {
                    errors.Add(new($"allowedOrigins[{i}]", "An origin is scheme://host[:port] (no path), or \"*\"."));
                    bad = true;
                }
            }
            if (!bad && origins.Count > 0 && TrustLevel != KeyTrust.Browser) errors.Add(new("allowedOrigins", "allowedOrigins applies to browser keys (trust: browser)."));
        }
        return errors;
    }
}

/// <summary>
/// A created key: the secret (<see cref="Key"/>) is shown here once and never again; so is a browser key's
/// <see cref="VerificationSecret"/> (the HMAC key the site's backend uses for user hashes).
/// </summary>
public sealed record CreatedKey(string Id, string Name, IReadOnlyList<string> Scopes, string Trust, IReadOnlyList<string> AllowedOrigins, string Key,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? VerificationSecret,
    DateTimeOffset CreatedAt)
{
    public static CreatedKey From(ApiKeyRecord r, string secret) =>
        new(r.Id, r.Name, r.Scopes, r.Trust, r.AllowedOrigins, secret, r.IsBrowser ? r.VerificationSecret : null, r.CreatedAt);
}

/// <summary>A key as listed: no secret, only its first characters.</summary>
public sealed record KeyView(string Id, string Name, IReadOnlyList<string> Scopes, string Trust, IReadOnlyList<string> AllowedOrigins, string Prefix, DateTimeOffset CreatedAt, bool FromConfiguration)
{
    public static KeyView From(ApiKeyRecord k) => new(k.Id, k.Name, k.Scopes, k.Trust, k.AllowedOrigins, k.Prefix, k.CreatedAt, k.Bootstrap);
}
