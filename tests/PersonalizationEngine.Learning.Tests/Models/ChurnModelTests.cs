using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Learning.Tests.Models;

public sealed class ChurnModelTests
{
    private static readonly string[] _names = ["orders_90d", "recency_days", "revenue_30d"];

    private static (double[][] X, int[] Y) Data() => Synthetic.Logistic(3000, [-1.0, 1.5, -0.5], -1.0, seed: 5);

    [Fact]
    public void Logistic_artefact_round_trips_through_json_with_identical_scores()
    {
        var (x, y) = Data();
        var fitted = LogisticRegression.Fit(x, y);
        var model = ChurnModel.FromLogistic(fitted, _names, ChurnModel.MakeVersion("lr", new DateOnly(2026, 11, 24), "{}"));

        var restored = ChurnModel.FromJson(model.ToJson());

        var features = new Dictionary<string, double> { ["orders_90d"] = 0.3, ["recency_days"] = 2.0, ["revenue_30d"] = -1 };
        var a = model.Score(features);
        var b = restored.Score(features);
        Assert.Equal(a.Probability, b.Probability);
        Assert.Equal(a.TopReasons, b.TopReasons);
        Assert.Equal(fitted.PredictProbability([0.3, 2.0, -1]), a.Probability, 12);
        Assert.StartsWith("churn-lr-2026-11-24-", restored.Version);
        Assert.Equal(restored.Version, b.ModelVersion);
    }

    [Fact]
    public void Tree_artefact_round_trips_through_json_with_identical_scores()
    {
        var (x, y) = Data();
        var fitted = GradientBoostedTrees.Fit(x, y, new GbtOptions(Trees: 30));
        var model = ChurnModel.FromTrees(fitted, _names, StandardScaler.Fit(x), "churn-gbt-test");

        var restored = ChurnModel.FromJson(model.ToJson());

        var features = new Dictionary<string, double> { ["orders_90d"] = -1, ["recency_days"] = 1.2 };
        Assert.Equal(model.Score(features), restored.Score(features), new ScoreComparer());
        Assert.Equal(fitted.PredictProbability([-1, 1.2, model.Means[2]]), restored.Score(features).Probability, 12);
    }

    [Fact]
    public void Reasons_are_the_largest_positive_contributions_and_bands_follow_thresholds()
    {
        var model = new ChurnModel
        {
            Kind = ChurnModelKind.LogisticRegression,
            Version = "v",
            FeatureNames = _names,
            Means = [0, 0, 0],
            Scales = [1, 1, 1],
            Coefficients = [-1, 2, 0.5],
            Intercept = 0,
        };

        var score = model.Score(new Dictionary<string, double> { ["orders_90d"] = 1, ["recency_days"] = 1, ["revenue_30d"] = 1 });

        Assert.Equal([new Reason("recency_days", 2), new Reason("revenue_30d", 0.5)], score.TopReasons);
        Assert.Equal(1 / (1 + Math.Exp(-1.5)), score.Probability, 12);
        Assert.Equal(RiskBand.High, score.Band);
        Assert.Equal(RiskBand.Medium, model.Score(new Dictionary<string, double> { ["orders_90d"] = 0.5 }).Band);
        Assert.Equal(RiskBand.Low, model.Score(new Dictionary<string, double> { ["orders_90d"] = 3 }).Band);
        // Missing features take the training mean: a zero contribution, so no reasons and p = sigmoid(intercept).
        var empty = model.Score(new Dictionary<string, double>());
        Assert.Equal(0.5, empty.Probability, 12);
        Assert.Empty(empty.TopReasons);
    }

    [Fact]
    public void Loading_an_artefact_with_mismatched_arrays_fails_clearly()
    {
        var json = """{"kind":"LogisticRegression","version":"v","featureNames":["a","b"],"means":[0],"scales":[1,1],"coefficients":[1,1]}""";

        var error = Assert.Throws<InvalidDataException>(() => ChurnModel.FromJson(json));

        Assert.Contains("Means", error.Message);
    }

    private sealed class ScoreComparer : IEqualityComparer<ChurnScore>
    {
        public bool Equals(ChurnScore? x, ChurnScore? y) =>
            x is not null && y is not null && x.Probability == y.Probability && x.Band == y.Band && x.TopReasons.SequenceEqual(y.TopReasons);

        public int GetHashCode(ChurnScore obj) => obj.Probability.GetHashCode();
    }
}
