using Microsoft.Extensions.Logging;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>Source-generated log messages of the grains and their hosting services (stable event ids 2100-2199).</summary>
internal static partial class GrainLog
{
    [LoggerMessage(2101, LogLevel.Warning, "Writing back {GrainType} state at deactivation ({Reason}) failed; the journal keeps every applied event for the next activation.")]
    public static partial void WriteBackFailed(ILogger logger, Exception exception, string grainType, string reason);

    [LoggerMessage(2102, LogLevel.Information, "{Count} customers in memory, above the limit of {Limit}: collecting activations idle for more than {Age}.")]
    public static partial void Shedding(ILogger logger, long count, int limit, TimeSpan age);

    [LoggerMessage(2103, LogLevel.Warning, "A reminder poll failed; due reminders are delivered by the next poll.")]
    public static partial void ReminderPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(2104, LogLevel.Warning, "Delivering reminder {Name} to a {GrainType} grain failed; it fires again at its next due time.")]
    public static partial void ReminderDeliveryFailed(ILogger logger, Exception exception, string grainType, string name);

    [LoggerMessage(2105, LogLevel.Warning, "Shedding activations failed; the next pass tries again.")]
    public static partial void SheddingFailed(ILogger logger, Exception exception);

    [LoggerMessage(2106, LogLevel.Warning, "No churn model found (looked in the store and at {Path}); churn risk answers 503 until one is uploaded.")]
    public static partial void NoChurnModel(ILogger logger, string path);

    [LoggerMessage(2107, LogLevel.Information, "Churn model {Version} ({Kind}, {Features} features) active from {Source}.")]
    public static partial void ChurnModelActive(ILogger logger, string version, string kind, int features, string source);

    [LoggerMessage(2108, LogLevel.Warning, "No Engine:{Name}Key configured: generated one and stored it with the data. Configure it from a secret store in production.")]
    public static partial void GeneratedEngineKey(ILogger logger, string name);

    [LoggerMessage(2109, LogLevel.Warning, "Refreshing offer models failed; deciding keeps the previous copies.")]
    public static partial void OfferRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(2110, LogLevel.Warning, "Decision counts of the last second could not be handed to the offer grains at shutdown.")]
    public static partial void DecisionCountsLost(ILogger logger, Exception exception);

    [LoggerMessage(2111, LogLevel.Information, "Shared record {RecordType}/{RecordKey} changed elsewhere; reloaded at version {Version}.")]
    public static partial void SharedRecordReloaded(ILogger logger, string recordType, string recordKey, long version);

    [LoggerMessage(2112, LogLevel.Warning, "Checking shared records against the store failed; copies stay as they are until the next check.")]
    public static partial void SharedRecordCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(2113, LogLevel.Warning, "A {GrainType} activation lost its writer claim to a newer activation (membership change); it refuses work and deactivates.")]
    public static partial void ActivationFenced(ILogger logger, string grainType);

    [LoggerMessage(2114, LogLevel.Warning, "Scheduling a customer's reward reminder failed; the next impression, decision or deactivation schedules it again.")]
    public static partial void RewardReminderFailed(ILogger logger, Exception exception);

    [LoggerMessage(2115, LogLevel.Warning, "A customer's parked pending decisions could not be opened; they are dropped (their impressions teach nothing).")]
    public static partial void PendingRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(2150, LogLevel.Information, "Ingest log: {Entries} acknowledged requests ({Events} events) were not applied before the last stop; applying them now.")]
    public static partial void IngestLogRecovered(ILogger logger, int entries, int events);

    [LoggerMessage(2151, LogLevel.Warning, "Ingest log: stopping with {Events} acknowledged events not applied; they stay in the log and are applied at the next start.")]
    public static partial void IngestLogStoppedWithBacklog(ILogger logger, long events);

    [LoggerMessage(2152, LogLevel.Warning, "Ingest log: removing applied entries failed; they are removed later (applying them again changes nothing).")]
    public static partial void IngestLogTrimFailed(ILogger logger, Exception exception);

    [LoggerMessage(2153, LogLevel.Warning, "Ingest log: applying {Events} events failed (attempt {Attempt}); retrying. They are durable in the log.")]
    public static partial void IngestLogApplyFailed(ILogger logger, Exception exception, int events, int attempt);

    [LoggerMessage(2154, LogLevel.Error, "Ingest log: event {EventId} could not be applied after retries and was left out.")]
    public static partial void IngestLogDropped(ILogger logger, Exception exception, string eventId);

    [LoggerMessage(2155, LogLevel.Critical, "Ingest log: the applier stopped unexpectedly; acknowledged events stay in the log and are applied at the next start.")]
    public static partial void IngestLogApplierFailed(ILogger logger, Exception exception);
}
