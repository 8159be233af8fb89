namespace PersonalizationEngine.Baselines.StatelessPg;

public sealed record CustomerRow(long EventCount, string CountersJson, string LastChannel);
