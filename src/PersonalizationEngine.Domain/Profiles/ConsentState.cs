namespace PersonalizationEngine.Domain.Profiles;

/// <summary>Consent for one purpose (and optionally one channel); the latest by event time wins.</summary>
public sealed record ConsentState(bool Granted, DateTimeOffset At, string Source);
