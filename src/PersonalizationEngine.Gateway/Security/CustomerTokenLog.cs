namespace PersonalizationEngine.Gateway.Security;

/// <summary>Log messages of customer tokens: lifetimes and reasons only, never the profile or the token.</summary>
internal static partial class CustomerTokenLog
{
    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "Customer token issued for {Seconds} s.")]
    public static partial void Issued(ILogger logger, double seconds);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Customer token refused: {Reason}.")]
    public static partial void Refused(ILogger logger, CustomerTokenCheck reason);
}
