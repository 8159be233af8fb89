namespace PersonalizationEngine.Baselines.StatelessPg;

/// <summary>The part of an event the baseline uses: whose it is, from which channel, what kind.</summary>
public readonly record struct CustomerEvent(string CustomerRef, string Channel, string Type);
