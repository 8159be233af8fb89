namespace PersonalizationEngine.Gateway.Security;

/// <summary>Key scopes; each is also the name of the authorization policy that requires it. Admin implies all.</summary>
public static class ApiScopes
{
    public const string Ingest = "ingest";
    public const string Query = "query";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Ingest, Query, Admin };
}
