using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Contracts;

/// <summary><c>POST /api/v1/keys</c>: a name and the scopes the key grants.</summary>
public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Scopes) : IValidatedRequest
{
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
        return errors;
    }
}

/// <summary>A created key: the secret (<see cref="Key"/>) is shown here once and never again.</summary>
public sealed record CreatedKey(string Id, string Name, IReadOnlyList<string> Scopes, string Key, DateTimeOffset CreatedAt);

/// <summary>A key as listed: no secret, only its first characters.</summary>
public sealed record KeyView(string Id, string Name, IReadOnlyList<string> Scopes, string Prefix, DateTimeOffset CreatedAt, bool FromConfiguration)
{
    public static KeyView From(ApiKeyRecord k) => new(k.Id, k.Name, k.Scopes, k.Prefix, k.CreatedAt, k.Bootstrap);
}
