namespace PersonalizationEngine.Learning.Bandits;

public enum BanditAlgorithm
{
    LinUcb,
    LinearThompson,
    EpsilonGreedy,
    BetaBernoulliThompson,
}
