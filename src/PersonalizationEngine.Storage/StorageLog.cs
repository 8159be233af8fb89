using Microsoft.Extensions.Logging;

namespace PersonalizationEngine.Storage;

/// <summary>
/// Source-generated log messages (stable event ids 2000-2099). Deliberately no stream keys, grain keys or connection
/// strings: keys are customer identifiers and connection strings are secrets.
/// </summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Storage provider {Provider} ({Location}): schema up to date, {Applied} migration(s) applied")]
    public static partial void SchemaReady(this ILogger logger, string provider, string location, int applied);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Storage provider {Provider}: applying migration {Migration}")]
    public static partial void ApplyingMigration(this ILogger logger, string provider, string migration);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Journal {Provider}: commit of {Entries} entries from {Calls} calls failed; every caller in the batch is faulted")]
    public static partial void JournalCommitFailed(this ILogger logger, Exception exception, string provider, int entries, int calls);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Journal {Provider}: queue full for {WaitedMs} ms, append refused")]
    public static partial void JournalOverloaded(this ILogger logger, string provider, double waitedMs);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Journal {Provider}: commits succeed again after a failure")]
    public static partial void JournalRecovered(this ILogger logger, string provider);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "Journal {Provider}: writer loop stopped unexpectedly")]
    public static partial void JournalWriterCrashed(this ILogger logger, Exception exception, string provider);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Storage provider {Provider}: health check failed")]
    public static partial void HealthCheckFailed(this ILogger logger, Exception exception, string provider);
}
