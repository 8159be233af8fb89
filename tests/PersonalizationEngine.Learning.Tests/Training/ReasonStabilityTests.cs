using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;
using Xunit.Abstractions;

namespace PersonalizationEngine.Learning.Tests.Training;

public sealed class ReasonStabilityTests(TelcoFixture telco, ITestOutputHelper output) : IClassFixture<TelcoFixture>
{
    /// <summary>
    /// Re-training on different customers must not reshuffle what a marketer is told: two tree models trained
    /// on disjoint halves of Telco give most high-risk customers the same reasons. Measured with exact TreeSHAP
    /// (1,107 high-risk customers): the same leading reason for 73%, the leading reason among the other
    /// model's three for 100%, two of three shared for 95%. Saabas path attribution, which this replaced, gave
    /// 37%, 95% and 92%: it credits whichever of two correlated features (tenure, a month-to-month contract) a
    /// tree split on first.
    /// </summary>
    [Fact]
    public void Top_tree_reason_is_stable_across_retraining_on_different_customers()
    {
        var (a, b) = Halves(new FastTreeLearner(Leaves: 8, Trees: 200));

        var s = Agreement(a, b, (m, i) => m.Score(telco.Row(i)).TopReasons);

        Assert.True(s.Risky > 300, $"high-risk customers {s.Risky}");
        Assert.True(s.Leading >= 0.7 * s.Risky, $"the same leading reason for {s.Leading} of {s.Risky}");
        Assert.True(s.LeadingInTop3 >= 0.97 * s.Risky, $"leading reason kept among the top three for {s.LeadingInTop3} of {s.Risky}");
        Assert.True(s.TwoOfThree >= 0.9 * s.Risky, $"two of three reasons shared for {s.TwoOfThree} of {s.Risky}");
    }

    /// <summary>
    /// The measurement behind docs/evaluation.md: each attribution (and near-tie rule) on the same two models,
    /// and two logistic regressions, whose contributions are exact, for what the data itself allows. Asserts
    /// what the documentation claims: TreeSHAP's leading reason agrees at least 20 points more often than
    /// Saabas's, and breaking near-ties in a fixed feature order does not help.
    /// </summary>
    [Fact]
    public void Exact_treeshap_reasons_are_more_stable_than_saabas_path_attribution()
    {
        var (a, b) = Halves(new FastTreeLearner(Leaves: 8, Trees: 200));
        var figures = new Dictionary<string, Stability>();
        foreach (var attribution in new[] { ReasonAttribution.Saabas, ReasonAttribution.ShapSlots, ReasonAttribution.ShapColumns })
        {
            foreach (var tolerance in new[] { 0, 0.01, 0.02, 0.05, 0.1 })
            {
                var s = Agreement(a, b, (m, i) => m.ScoreWithReasons(telco.X[i], attribution, tolerance).Reasons);
                figures[$"{attribution} tie {tolerance:0.00}"] = s;
                output.WriteLine($"{attribution,-12} tie {tolerance:0.00}: {s}");
            }
        }

        // Where the two models' leading reasons differ, which reasons they are.
        var swaps = new Dictionary<string, int>();
        for (var i = 0; i < telco.X.Length; i++)
        {
            if (a.BandOf(a.PredictProbability(telco.X[i])) == RiskBand.High)
            {
                var (ra, rb) = (a.Score(telco.Row(i)).TopReasons, b.Score(telco.Row(i)).TopReasons);
                var key = ra[0].Feature == rb[0].Feature ? $"both {ra[0].Feature}" : $"{ra[0].Feature} / {rb[0].Feature}";
                swaps[key] = swaps.GetValueOrDefault(key) + 1;
            }
        }

        output.WriteLine(string.Join(", ", swaps.OrderByDescending(p => p.Value).Select(p => $"{p.Key}: {p.Value}")));

        var (la, lb) = Halves(new LogisticLearner());
        var linear = Agreement(la, lb, (m, i) => m.Score(telco.Row(i)).TopReasons);
        output.WriteLine($"logistic regression: {linear}");

        var saabas = figures["Saabas tie 0.00"];
        var shap = figures["ShapSlots tie 0.00"];
        Assert.True(shap.LeadingShare >= saabas.LeadingShare + 0.2, $"SHAP {shap}, Saabas {saabas}");
        Assert.True(shap.TwoOfThreeShare >= saabas.TwoOfThreeShare, $"SHAP {shap}, Saabas {saabas}");
        Assert.All(new[] { 0.01, 0.02, 0.05, 0.1 }, t => Assert.True(figures[$"ShapSlots tie {t:0.00}"].Leading < shap.Leading, $"tie {t}"));
    }

    private (ChurnModel A, ChurnModel B) Halves(ChurnLearner learner)
    {
        var folds = StratifiedKFold.Split(telco.Labels, 2, seed: 9);
        var date = new DateOnly(2026, 12, 1);
        ChurnModel Fit(Fold fold) => ChurnTrainer.Fit([.. fold.TestIndices.Select(i => telco.X[i])], [.. fold.TestIndices.Select(i => telco.Labels[i])], telco.Names, learner, date).Artefact;
        return (Fit(folds[0]), Fit(folds[1]));
    }

    /// <summary>Over the customers model A calls high risk: how often B's reasons agree with A's.</summary>
    private Stability Agreement(ChurnModel a, ChurnModel b, Func<ChurnModel, int, IReadOnlyList<Reason>> reasons)
    {
        int risky = 0, leading = 0, inTop3 = 0, overlap = 0;
        for (var i = 0; i < telco.X.Length; i++)
        {
            if (a.BandOf(a.PredictProbability(telco.X[i])) != RiskBand.High)
            {
                continue;
            }

            var ra = reasons(a, i);
            var rb = reasons(b, i);
            risky++;
            leading += rb.Count > 0 && rb[0].Feature == ra[0].Feature ? 1 : 0;
            inTop3 += rb.Any(r => r.Feature == ra[0].Feature) ? 1 : 0;
            overlap += ra.Select(r => r.Feature).Intersect(rb.Select(r => r.Feature)).Count() >= 2 ? 1 : 0;
        }

        return new Stability(risky, leading, inTop3, overlap);
    }

    private readonly record struct Stability(int Risky, int Leading, int LeadingInTop3, int TwoOfThree)
    {
        public double LeadingShare => (double)Leading / Risky;

        public double TwoOfThreeShare => (double)TwoOfThree / Risky;

        public override string ToString() =>
            $"{Risky} high-risk: same leading {Leading} ({LeadingShare:P1}), leading in top 3 {LeadingInTop3} ({(double)LeadingInTop3 / Risky:P1}), 2 of 3 shared {TwoOfThree} ({TwoOfThreeShare:P1})";
    }
}
