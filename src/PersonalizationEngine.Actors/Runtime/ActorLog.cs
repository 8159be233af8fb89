using Microsoft.Extensions.Logging;

namespace PersonalizationEngine.Actors.Runtime;

internal static partial class ActorLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Activation of {GrainType}/{Key} failed; its queued calls fail with the same exception")]
    public static partial void ActivationFailed(this ILogger logger, Exception exception, string grainType, string key);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "OnDeactivateAsync of {GrainType}/{Key} threw")]
    public static partial void DeactivateCallbackFailed(this ILogger logger, Exception exception, string grainType, string key);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Writing back the state of {GrainType}/{Key} failed")]
    public static partial void WriteBackFailed(this ILogger logger, Exception exception, string grainType, string key);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "{Turn} of {GrainType}/{Key} failed")]
    public static partial void InternalTurnFailed(this ILogger logger, Exception exception, string turn, string grainType, string key);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Housekeeping pass failed")]
    public static partial void HousekeepingFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Reminder {Name} for unregistered grain type {GrainType}/{Key} ignored")]
    public static partial void ReminderForUnknownType(this ILogger logger, string grainType, string key, string name);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Actor system stopping: draining {Queued} queued messages across {Activations} activations")]
    public static partial void Stopping(this ILogger logger, long queued, int activations);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Mailboxes did not drain within the shutdown timeout; {Queued} messages still queued")]
    public static partial void DrainTimedOut(this ILogger logger, long queued);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Actor system stopped: {Deactivated} activations deactivated, {Busy} still busy were left")]
    public static partial void Stopped(this ILogger logger, int deactivated, int busy);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Collected {Idle} idle and shed {Shed} activations ({Reason})")]
    public static partial void Collected(this ILogger logger, int idle, int shed, string reason);
}
