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
}
