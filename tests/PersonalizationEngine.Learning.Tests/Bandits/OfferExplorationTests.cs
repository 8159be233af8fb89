using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Learning.Tests.Bandits;

public sealed class OfferExplorationTests
{
    private static readonly double[] Context = [1, 0.5, 0, 1];

    private static ContextualBandit[] Cold(int offers) =>
        [.. Enumerable.Range(0, offers).Select(_ => new ContextualBandit(new BanditSettings(BanditAlgorithm.LinearThompson, 1, Context.Length, PriorMean: 0.1)))];

    private static int Pick(ContextualBandit[] models, ExplorationPolicy policy, double scale, Random random)
    {
        var explore = OfferExploration.TossExplore(policy, scale, random);
        var scores = models.Select(m => OfferExploration.Score(m, Context, policy, scale, explore, random)).ToArray();
        var best = scores.Max();
        var ties = Enumerable.Range(0, scores.Length).Where(i => scores[i] == best).ToArray();
        return ties[random.Next(ties.Length)];
    }

    [Theory]
    [InlineData(ExplorationPolicy.Thompson, 0.5)]
    [InlineData(ExplorationPolicy.LinUcb, 0.5)]
    [InlineData(ExplorationPolicy.EpsilonGreedy, 0.1)]
    public void Every_offer_is_tried_and_the_best_one_wins(ExplorationPolicy policy, double scale)
    {
        double[] ctr = [0.05, 0.08, 0.30, 0.05, 0.10];
        var models = Cold(ctr.Length);
        var random = new Random(11);
        var tried = new int[ctr.Length];
        var lateBest = 0;
        for (var t = 0; t < 3000; t++)
        {
            var arm = Pick(models, policy, scale, random);
            tried[arm]++;
            models[arm].Update(0, Context, random.NextDouble() < ctr[arm] ? 1 : 0);
            if (t >= 2000 && arm == 2) lateBest++;
        }
        Assert.All(tried, n => Assert.True(n > 0));
        // The best offer leads most of the last thousand decisions (a fixed pick of the first offer: 0).
        Assert.True(lateBest > 800, $"{policy}: best offer led {lateBest} of the last 1000");
    }

    [Fact]
    public void Thompson_draws_of_a_cold_offer_spread_and_narrow_with_evidence()
    {
        var random = new Random(3);
        var model = Cold(1)[0];
        double Spread() => Sd(Enumerable.Range(0, 2000).Select(_ => model.Sample(0, Context, 0.5, random)));
        var cold = Spread();
        for (var i = 0; i < 500; i++) model.Update(0, Context, i % 10 == 0 ? 1 : 0);
        var warm = Spread();
        Assert.True(cold > 5 * warm, $"cold sd {cold}, after 500 rewards {warm}");
        Assert.InRange(model.Propensity(0, Context), 0.07, 0.13);
    }

    [Fact]
    public void Policy_names_parse_and_unknown_ones_are_refused()
    {
        Assert.True(OfferExploration.TryParse("Thompson", out var t));
        Assert.Equal(ExplorationPolicy.Thompson, t);
        Assert.True(OfferExploration.TryParse("linucb", out var u));
        Assert.Equal(ExplorationPolicy.LinUcb, u);
        Assert.True(OfferExploration.TryParse("epsilon-greedy", out var e));
        Assert.Equal(ExplorationPolicy.EpsilonGreedy, e);
        Assert.False(OfferExploration.TryParse("greedy", out _));
    }

    private static double Sd(IEnumerable<double> values)
    {
        var list = values.ToList();
        var mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }
}
