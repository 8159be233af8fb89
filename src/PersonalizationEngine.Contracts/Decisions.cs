using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Contracts;

/// <summary>A next-best-offer question.</summary>
/// <param name="Explain">Report every rule outcome, passed ones included (else only the rules that excluded offers).</param>
[GenerateSerializer, Immutable, Alias("pe.DecideInput")]
public sealed record DecideInput(
    [property: Id(0)] string DecisionId,
    [property: Id(1)] string Channel,
    [property: Id(2)] string? Placement,
    [property: Id(3)] int Limit,
    [property: Id(4)] IReadOnlyDictionary<string, double>? ContextWeights = null,
    [property: Id(5)] bool Explain = false);

/// <summary>A decision as the API returns it.</summary>
[GenerateSerializer, Immutable, Alias("pe.DecisionView")]
public sealed record DecisionView(
    [property: Id(0)] string DecisionId,
    [property: Id(1)] string? ProfileId,
    [property: Id(2)] bool Control,
    [property: Id(3)] IReadOnlyList<OfferScore> Offers,
    [property: Id(4)] IReadOnlyList<RuleOutcome> Trace,
    [property: Id(5)] bool Explored = false);

/// <summary>What a customer grain reports about an offer.</summary>
[GenerateSerializer, Alias("pe.OfferSignal")]
public enum OfferSignal
{
    Impression,
    Click,
    Accept,
    Reject,
    /// <summary>Shown, and no click or acceptance within the reward wait (<c>Decisioning:RewardWait</c>): reward 0.</summary>
    Ignored,
    Conversion,
}

/// <summary>One outcome for an offer's model: the signal, the decision's context (to learn from), the revenue of a conversion.</summary>
[GenerateSerializer, Immutable, Alias("pe.OfferFeedback")]
public sealed record OfferFeedback([property: Id(0)] OfferSignal Signal, [property: Id(1)] double[]? Context, [property: Id(2)] decimal Revenue);

/// <summary>A read-side copy of an offer's model and counters.</summary>
[GenerateSerializer, Immutable, Alias("pe.OfferModelSnapshot")]
public sealed record OfferModelSnapshot([property: Id(0)] BanditSnapshot Model, [property: Id(1)] OfferCounters Counters);
