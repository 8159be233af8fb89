namespace PersonalizationEngine.Learning.Bandits;

/// <summary>
/// Serialisable state of a bandit: what a shared learning grain persists and hands to customer grains, which
/// choose from a recent snapshot so that a decision never waits on another grain.
/// </summary>
public sealed record BanditSnapshot(BanditSettings Settings, ArmState[] Arms, long Updates);
