using System.Text.Json;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>The trust fields of <c>POST /api/v1/keys</c>: <c>trust</c> (server by default) and <c>allowedOrigins</c>.</summary>
internal static class KeyTrustRequest
{
    public static (string Trust, List<string> Origins) Read(JsonElement root, IReadOnlyList<string> scopes, List<ValidationError> errors)
    {
        var trust = KeyTrust.Server;
        if (root.TryGetProperty("trust", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            if (t.ValueKind != JsonValueKind.String || !KeyTrust.TryParse(t.GetString(), out trust))
            {
                errors.Add(new("trust", "trust is 'server' (a secret held by a backend) or 'browser' (public, in a web page)."));
                trust = KeyTrust.Server;
            }
            else if (trust == KeyTrust.Browser && scopes.Any(s => s != ApiScopes.Ingest))
            {
                errors.Add(new("trust", "A browser key is public: it may have only the ingest scope."));
            }
        }
        var origins = new List<string>();
        if (root.TryGetProperty("allowedOrigins", out var o) && o.ValueKind != JsonValueKind.Null)
        {
            if (o.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new("allowedOrigins", "allowedOrigins is an array of origins (https://shop.example) or \"*\"."));
            }
            else
            {
                var i = 0;
                foreach (var item in o.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && Origins.TryNormalize(item.GetString(), out var origin)) origins.Add(origin);
                    else errors.Add(new($"allowedOrigins[{i}]", "An origin is scheme://host[:port] (no path), or \"*\"."));
                    i++;
                }
                if (origins.Count > 0 && trust != KeyTrust.Browser && errors.Count == 0)
                {
                    errors.Add(new("allowedOrigins", "allowedOrigins applies to browser keys (trust: browser)."));
                }
            }
        }
        return (trust, origins);
    }

    /// <summary>The answer to a created key: the key once, and a browser key's verification secret once.</summary>
    public static object Created(ApiKeyRecord r, string secret) => r.IsBrowser
        ? new { id = r.Id, name = r.Name, scopes = r.Scopes, trust = r.Trust, allowedOrigins = r.AllowedOrigins, key = secret, verificationSecret = r.VerificationSecret, createdAt = r.CreatedAt }
        : new { id = r.Id, name = r.Name, scopes = r.Scopes, trust = r.Trust, allowedOrigins = r.AllowedOrigins, key = secret, createdAt = r.CreatedAt };
}
