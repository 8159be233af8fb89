namespace PersonalizationEngine.Gateway.Security;

/// <summary>A stored API key: only the SHA-256 of the secret is kept, never the key itself.</summary>
public sealed record ApiKeyRecord(string Id, string Name, IReadOnlyList<string> Scopes, string Hash, string Prefix, DateTimeOffset CreatedAt, bool Bootstrap = false)
{
    public bool Allows(string scope) => Scopes.Contains(ApiScopes.Admin) || Scopes.Contains(scope);
}
