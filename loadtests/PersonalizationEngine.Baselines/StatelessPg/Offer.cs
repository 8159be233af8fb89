namespace PersonalizationEngine.Baselines.StatelessPg;

public sealed record Offer(string OfferId, string Driver, double Prior);
