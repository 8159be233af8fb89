using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Learning.Tests.Bandits;

public sealed class ContextualBanditTests
{
    // Three arms, context (1, z) with z ∈ {0, 1}: arm 0 is best when z = 0, arm 2 when z = 1.
    private static readonly double[][] _theta = [[0.6, -0.4], [0.4, 0.0], [0.2, 0.5]];

    private static double Expected(int arm, double[] x) => _theta[arm][0] * x[0] + _theta[arm][1] * x[1];

    private static double[] Context(Random random) => [1.0, random.Next(2)];

    [Theory]
    [InlineData(BanditAlgorithm.LinUcb, 0.5)]
    [InlineData(BanditAlgorithm.LinearThompson, 0.3)]
    [InlineData(BanditAlgorithm.EpsilonGreedy, 0.1)]
    public void Picks_the_best_arm_per_context_on_a_synthetic_linear_problem(BanditAlgorithm algorithm, double exploration)
    {
        var random = new Random(3);
        var bandit = new ContextualBandit(new BanditSettings(algorithm, 3, 2, exploration));
        for (var t = 0; t < 3000; t++)
        {
            var x = Context(random);
            var arm = bandit.Choose(x, random).Arm;
            bandit.Update(arm, x, random.NextDouble() < Expected(arm, x) ? 1 : 0);
        }

        var greedy = new Random(4);
        var last = Enumerable.Range(0, 200).Select(_ => bandit.Choose([1.0, 0.0], greedy).Arm).Count(a => a == 0);
        var lastHigh = Enumerable.Range(0, 200).Select(_ => bandit.Choose([1.0, 1.0], greedy).Arm).Count(a => a == 2);
        Assert.True(last > 150, $"arm 0 chosen {last}/200 for z = 0");
        Assert.True(lastHigh > 150, $"arm 2 chosen {lastHigh}/200 for z = 1");
    }

    [Fact]
    public void Cold_start_explores_every_arm_with_prior_propensity()
    {
        var bandit = new ContextualBandit(new BanditSettings(BanditAlgorithm.LinUcb, 5, 2));
        var random = new Random(1);

        var counts = new int[5];
        for (var i = 0; i < 1000; i++)
        {
            counts[bandit.Choose([1.0, 0.3], random).Arm]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 150, 250));
        Assert.Equal(0.5, bandit.Choose([1.0, 0.3], random).Propensity, 12);
    }

    [Fact]
    public void Linear_thompson_posterior_concentrates_with_data()
    {
        var bandit = new ContextualBandit(new BanditSettings(BanditAlgorithm.LinearThompson, 1, 2, Exploration: 1));
        double[] x = [1.0, 0.5];
        var before = bandit.Uncertainty(0, x);
        var random = new Random(2);
        for (var i = 0; i < 2000; i++)
        {
            double[] xi = [1.0, random.NextDouble()];
            bandit.Update(0, xi, 0.3 + 0.2 * xi[1] + 0.05 * (random.NextDouble() - 0.5));
        }

        Assert.True(bandit.Uncertainty(0, x) < before / 500);
        Assert.Equal(0.4, bandit.Propensity(0, x), 2);
    }

    [Fact]
    public void Sherman_morrison_inverse_matches_the_ridge_solution()
    {
        var bandit = new ContextualBandit(new BanditSettings(BanditAlgorithm.LinUcb, 1, 2, PriorMean: 0, Ridge: 1));
        bandit.Update(0, [1.0, 0.0], 1);
        bandit.Update(0, [1.0, 1.0], 0);

        // A = I + [1 0;0 0] + [1 1;1 1] = [3 1;1 2]; b = (1, 0); θ = A⁻¹b = (2, −1)/5; x = (1, 1) → 0.2; xᵀA⁻¹x = (2 − 1 − 1 + 3)/5.
        Assert.Equal(0.2, bandit.Propensity(0, [1.0, 1.0]), 12);
        Assert.Equal(0.6, bandit.Uncertainty(0, [1.0, 1.0]), 12);
    }

    [Fact]
    public void Beta_bernoulli_thompson_finds_the_best_arm_without_context()
    {
        var bandit = new ContextualBandit(new BanditSettings(BanditAlgorithm.BetaBernoulliThompson, 3, 1));
        double[] rates = [0.05, 0.1, 0.2];
        var random = new Random(5);
        var pulls = new int[3];
        for (var t = 0; t < 3000; t++)
        {
            var arm = bandit.Choose([1.0], random).Arm;
            pulls[arm]++;
            bandit.Update(arm, [1.0], random.NextDouble() < rates[arm] ? 1 : 0);
        }

        Assert.True(pulls[2] > 2000, $"best arm pulled {pulls[2]} times");
        Assert.Equal(0.2, bandit.Propensity(2, [1.0]), 1);
    }

    [Fact]
    public void Snapshot_restores_identical_decisions_and_is_independent_of_later_learning()
    {
        var bandit = new ContextualBandit(new BanditSettings(BanditAlgorithm.LinUcb, 3, 2, 0.5));
        var random = new Random(6);
        for (var t = 0; t < 100; t++)
        {
            var x = Context(random);
            var arm = bandit.Choose(x, random).Arm;
            bandit.Update(arm, x, Expected(arm, x));
        }

        var snapshot = bandit.Snapshot();
        var json = System.Text.Json.JsonSerializer.Serialize(snapshot);
        var restored = ContextualBandit.Restore(System.Text.Json.JsonSerializer.Deserialize<BanditSnapshot>(json)!);
        var before = restored.Propensity(1, [1.0, 1.0]);
        var sameChoices = Enumerable.Range(0, 20).All(s => bandit.Choose([1.0, s % 2], new Random(s)).Arm == restored.Choose([1.0, s % 2], new Random(s)).Arm);
        bandit.Update(1, [1.0, 1.0], 1);

        Assert.Equal(before, restored.Propensity(1, [1.0, 1.0]));
        Assert.Equal(100, restored.Updates);
        Assert.Equal(snapshot.Arms[0].AInverse, restored.Snapshot().Arms[0].AInverse);
        Assert.True(sameChoices);
        Assert.NotEqual(bandit.Propensity(1, [1.0, 1.0]), restored.Propensity(1, [1.0, 1.0]));
    }

    [Fact]
    public void Wrong_context_length_is_rejected()
    {
        var bandit = new ContextualBandit(new BanditSettings(BanditAlgorithm.LinUcb, 2, 3));

        Assert.Throws<ArgumentException>(() => bandit.Choose([1.0, 0.0], new Random(1)));
        Assert.Throws<ArgumentException>(() => bandit.Update(0, [1.0], 1));
    }

    [Fact]
    public void Control_group_takes_the_configured_share_uniformly()
    {
        var bandit = new ContextualBandit(new BanditSettings(BanditAlgorithm.EpsilonGreedy, 4, 1, Exploration: 0, ControlShare: 0.2));
        bandit.Update(3, [1.0], 1);
        var random = new Random(7);

        var choices = Enumerable.Range(0, 5000).Select(_ => bandit.Choose([1.0], random)).ToArray();

        Assert.InRange(choices.Count(c => c.IsControl), 900, 1100);
        Assert.All(choices.Where(c => !c.IsControl), c => Assert.Equal(3, c.Arm));
        Assert.All(Enumerable.Range(0, 4), a => Assert.InRange(choices.Count(c => c.IsControl && c.Arm == a), 180, 320));
        Assert.Equal(2, bandit.Choose([1.0], random, eligible: [2]).Arm);
    }
}
