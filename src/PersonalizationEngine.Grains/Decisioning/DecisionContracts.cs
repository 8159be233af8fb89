using PersonalizationEngine.Domain.Decisioning;

namespace PersonalizationEngine.Grains.Decisioning;

/// <summary>A next-best-offer question.</summary>
/// <param name="Explain">Report every rule outcome, passed ones included (else only the rules that excluded offers).</param>
public sealed record DecideInput(string DecisionId, string Channel, string? Placement, int Limit, IReadOnlyDictionary<string, double>? ContextWeights = null, bool Explain = false);

/// <summary>
/// A decision waiting for feedback: what was offered, in which context, to whom. Kept per customer (at most a
/// few) until the conversion window ends, so it is small: the answer sets exist only once feedback arrives.
/// </summary>
internal sealed class PendingDecision(string decisionId, string[] offerIds, double[] context, DateTimeOffset at, bool control)
{
    public string DecisionId { get; } = decisionId;
    public string[] OfferIds { get; } = offerIds;
    public double[] Context { get; } = context;
    public DateTimeOffset At { get; } = at;
    public bool Control { get; } = control;
    public HashSet<string>? Impressed { get; set; }
    public HashSet<string>? Answered { get; set; }
    public bool Converted { get; set; }
    public bool IgnoredReported { get; set; }
}

/// <summary>A decision as the API returns it.</summary>
public sealed record DecisionView(string DecisionId, string? ProfileId, bool Control, IReadOnlyList<OfferScore> Offers, IReadOnlyList<RuleOutcome> Trace);
