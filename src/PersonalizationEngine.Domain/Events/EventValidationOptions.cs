namespace PersonalizationEngine.Domain.Events;

/// <summary>Limits and defaults for <see cref="EventStandardizer"/>.</summary>
public sealed record EventValidationOptions
{
    /// <summary>Events older than this (relative to receipt) are absurd, not late.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(5 * 365);
    /// <summary>Clock skew allowance: events further in the future are rejected.</summary>
    public TimeSpan MaxFuture { get; init; } = TimeSpan.FromDays(1);
    public int MaxIdentifiers { get; init; } = 20;
    public int MaxProperties { get; init; } = 100;
    public int MaxStringLength { get; init; } = 1024;
    public int MaxEventIdLength { get; init; } = 128;
    /// <summary>Calling code used for phones without a leading '+', e.g. "44"; null means '+' is required.</summary>
    public string? DefaultCountryCallingCode { get; init; }
    /// <summary>Optional gmail rule: dots in the local part are ignored by Google, so drop them.</summary>
    public bool GmailDotRule { get; init; }
}
