using PersonalizationEngine.Learning.Evaluation;

namespace PersonalizationEngine.Learning.Tests.Evaluation;

public sealed class OffPolicyTests
{
    // Uniform log over 4 arms; arm a has click rate (a + 1) / 10. The policy "always arm 3" is worth 0.4.
    private static (int[] Arms, int[] Rewards) UniformLog(int n, int seed)
    {
        var random = new Random(seed);
        var arms = new int[n];
        var rewards = new int[n];
        for (var i = 0; i < n; i++)
        {
            arms[i] = random.Next(4);
            rewards[i] = random.NextDouble() < (arms[i] + 1) / 10.0 ? 1 : 0;
        }

        return (arms, rewards);
    }

    [Fact]
    public void Replay_recovers_a_known_policy_value_within_its_interval()
    {
        var (arms, rewards) = UniformLog(20_000, 1);
        var learned = 0;

        var result = ReplayEvaluator.Run(Enumerable.Range(0, arms.Length).ToArray(), i => arms[i], i => rewards[i], _ => 3, _ => learned++);

        Assert.InRange(result.MatchedRows, 4700, 5300);
        Assert.Equal(result.MatchedRows, learned);
        Assert.InRange(0.4, result.Ctr.Lower, result.Ctr.Upper);
        Assert.InRange(result.Ctr.Value, 0.37, 0.43);
    }

    [Fact]
    public void Ips_and_snips_recover_a_stochastic_policy_value_within_their_intervals()
    {
        var (arms, rewards) = UniformLog(20_000, 2);
        // Target: arm 3 with probability 0.7, arm 0 with 0.3 → value 0.7·0.4 + 0.3·0.1 = 0.31.
        var target = arms.Select(a => a == 3 ? 0.7 : a == 0 ? 0.3 : 0.0).ToArray();
        var propensity = arms.Select(_ => 0.25).ToArray();
        var r = rewards.Select(x => (double)x).ToArray();

        var ips = OffPolicyEstimators.Ips(target, propensity, r);
        var snips = OffPolicyEstimators.SelfNormalisedIps(target, propensity, r);

        Assert.InRange(0.31, ips.Lower, ips.Upper);
        Assert.InRange(0.31, snips.Lower, snips.Upper);
        Assert.InRange(ips.Upper - ips.Lower, 0.01, 0.05);
    }

    [Fact]
    public void Wilson_interval_matches_a_hand_computed_value()
    {
        // 46 clicks in 10,000: Wilson 95% ≈ [0.345%, 0.613%].
        var e = Intervals.Wilson(46, 10_000);

        Assert.Equal(0.0046, e.Value, 12);
        Assert.Equal(0.00345, e.Lower, 0.00001);
        Assert.Equal(0.00613, e.Upper, 0.00001);
    }
}
