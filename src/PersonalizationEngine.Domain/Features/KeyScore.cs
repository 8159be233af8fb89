namespace PersonalizationEngine.Domain.Features;

/// <summary>One decayed affinity score (stored scaled to <see cref="DecayedTopK.Reference"/>).</summary>
public record struct KeyScore(string Key, double Score);
