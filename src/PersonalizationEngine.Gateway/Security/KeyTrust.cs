namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// How far the engine trusts what a key sends. A <see cref="Server"/> key is a secret held by a backend: its
/// identifiers are taken as they come (full identity resolution). A <see cref="Browser"/> key is public (it sits in
/// a web page's JavaScript): identifiers that name a person count only with proof (a user hash or an identity
/// token), it may call only the tracking routes, and it is rate limited per IP and per key, with an origin
/// allow-list.
/// </summary>
public static class KeyTrust
{
    public const string Server = "server";
    public const string Browser = "browser";

    public static bool TryParse(string? value, out string trust)
    {
        trust = value?.Trim().ToLowerInvariant() switch
        {
            Server => Server,
            Browser => Browser,
            _ => "",
        };
        return trust.Length > 0;
    }
}
