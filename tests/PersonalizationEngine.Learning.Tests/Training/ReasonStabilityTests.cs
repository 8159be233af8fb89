using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Learning.Tests.Training;

public sealed class ReasonStabilityTests(TelcoFixture telco) : IClassFixture<TelcoFixture>
{
    /// <summary>
    /// Re-training on different customers must not reshuffle what a marketer is told: two tree models trained
    /// on disjoint halves of Telco give most high-risk customers the same reasons. Measured: the first model's
    /// leading reason is among the second's three for 95% of them, and two of three reasons are shared for
    /// 92%. The exact order is less stable (the leading reason agrees for 37%): tenure and a month-to-month
    /// contract carry the same signal, and path attribution credits whichever a tree split on first.
    /// </summary>
    [Fact]
    public void Top_tree_reason_is_stable_across_retraining_on_different_customers()
    {
        var folds = StratifiedKFold.Split(telco.Labels, 2, seed: 9);
        var date = new DateOnly(2026, 12, 1);
        var learner = new FastTreeLearner(Leaves: 8, Trees: 200);
        var a = ChurnTrainer.Fit([.. folds[0].TestIndices.Select(i => telco.X[i])], [.. folds[0].TestIndices.Select(i => telco.Labels[i])], telco.Names, learner, date).Artefact;
        var b = ChurnTrainer.Fit([.. folds[1].TestIndices.Select(i => telco.X[i])], [.. folds[1].TestIndices.Select(i => telco.Labels[i])], telco.Names, learner, date).Artefact;

        int risky = 0, leadingKept = 0, overlap = 0;
        for (var i = 0; i < telco.X.Length; i++)
        {
            var sa = a.Score(telco.Row(i));
            if (sa.Band != RiskBand.High)
            {
                continue;
            }

            var sb = b.Score(telco.Row(i));
            risky++;
            leadingKept += sb.TopReasons.Any(r => r.Feature == sa.TopReasons[0].Feature) ? 1 : 0;
            overlap += sa.TopReasons.Select(r => r.Feature).Intersect(sb.TopReasons.Select(r => r.Feature)).Count() >= 2 ? 1 : 0;
        }

        Assert.True(risky > 300, $"high-risk customers {risky}");
        Assert.True(leadingKept >= 0.9 * risky, $"leading reason kept among the top three for {leadingKept} of {risky}");
        Assert.True(overlap >= 0.85 * risky, $"two of three reasons shared for {overlap} of {risky}");
    }
}
