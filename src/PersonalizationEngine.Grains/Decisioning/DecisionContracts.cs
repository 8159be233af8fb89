using PersonalizationEngine.Domain.Decisioning;

namespace PersonalizationEngine.Grains.Decisioning;

/// <summary>A next-best-offer question.</summary>
/// <param name="Explain">Report every rule outcome, passed ones included (else only the rules that excluded offers).</param>
public sealed record DecideInput(string DecisionId, string Channel, string? Placement, int Limit, IReadOnlyDictionary<string, double>? ContextWeights = null, bool Explain = false);

/// <summary>A decision as the API returns it.</summary>
public sealed record DecisionView(string DecisionId, string? ProfileId, bool Control, IReadOnlyList<OfferScore> Offers, IReadOnlyList<RuleOutcome> Trace);
