namespace PersonalizationEngine.Baselines.StatelessPg;

public sealed record OfferDto(string OfferId, double Score, double Propensity, IReadOnlyList<string> Reasons);
