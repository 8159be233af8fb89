namespace PersonalizationEngine.Learning.Bandits;

/// <summary>How a decision trades learning against earning (<c>Decisioning:ExplorationPolicy</c>).</summary>
public enum ExplorationPolicy
{
    /// <summary>Thompson sampling: rank by one draw from each offer's posterior (scale v = <c>Decisioning:Exploration</c>).</summary>
    Thompson,

    /// <summary>LinUCB: rank by the estimate plus α (<c>Decisioning:Exploration</c>) standard errors.</summary>
    LinUcb,

    /// <summary>ε-greedy: with probability ε (<c>Decisioning:Exploration</c>) rank at random, else by the estimate.</summary>
    EpsilonGreedy,
}

/// <summary>
/// The ranking value of one offer's single-arm model (<see cref="ContextualBandit"/> with one arm) under an exploration
/// policy. Customer grains call this for every offer that passed the rules; the arbitrator ranks by it and breaks ties
/// at random, so no offer id is favoured.
/// </summary>
public static class OfferExploration
{
    /// <summary>
    /// The value to rank by. <paramref name="exploreAtRandom"/> is the ε-greedy coin of this decision (one toss per
    /// decision, so the whole ranking is random in an exploring decision).
    /// </summary>
    public static double Score(ContextualBandit model, ReadOnlySpan<double> context, ExplorationPolicy policy, double scale, bool exploreAtRandom, Random random) => policy switch
    {
        ExplorationPolicy.Thompson => model.Sample(0, context, scale, random),
        ExplorationPolicy.LinUcb => model.UpperBound(0, context, scale),
        ExplorationPolicy.EpsilonGreedy => exploreAtRandom ? random.NextDouble() : model.Propensity(0, context),
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown exploration policy."),
    };

    /// <summary>Whether this decision explores at random (ε-greedy only): one toss per decision.</summary>
    public static bool TossExplore(ExplorationPolicy policy, double scale, Random random) =>
        policy == ExplorationPolicy.EpsilonGreedy && random.NextDouble() < scale;

    /// <summary>Parses a policy name as configured (<c>thompson</c>, <c>linucb</c>, <c>epsilon-greedy</c>; any case).</summary>
    public static bool TryParse(string? text, out ExplorationPolicy policy)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "thompson" or "thompson-sampling": policy = ExplorationPolicy.Thompson; return true;
            case "linucb" or "ucb": policy = ExplorationPolicy.LinUcb; return true;
            case "epsilon-greedy" or "epsilongreedy" or "egreedy": policy = ExplorationPolicy.EpsilonGreedy; return true;
            default: policy = ExplorationPolicy.Thompson; return false;
        }
    }
}
