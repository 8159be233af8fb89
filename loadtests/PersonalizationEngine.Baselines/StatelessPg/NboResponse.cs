namespace PersonalizationEngine.Baselines.StatelessPg;

public sealed record NboResponse(string DecisionId, IReadOnlyList<OfferDto> Offers);
