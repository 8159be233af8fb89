namespace PersonalizationEngine.Gateway.Security;

/// <summary>Log messages of source trust (no personal identifiers: sources and setting names only).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Auth:WriteKeys:{Source} does not say its trust level: it is a browser (public) key. Set Auth:WriteKeys:{Source}:Trust to 'server' for a key only a backend holds.")]
    public static partial void WriteKeyTrustDefaulted(ILogger logger, string source);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "No Auth:IdentityKey configured: generated one and stored it with the data. Configure it from a secret store in production.")]
    public static partial void IdentityKeyGenerated(ILogger logger);
}
