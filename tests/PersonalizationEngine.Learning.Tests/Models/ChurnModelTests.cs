using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Learning.Tests.Models;

public sealed class ChurnModelTests(TelcoFixture telco) : IClassFixture<TelcoFixture>
{
    private static readonly string[] _names = ["orders_90d", "recency_days", "revenue_30d"];

    private static ChurnModel Linear(double[] coefficients) => new()
    {
        Format = ChurnModel.CurrentFormat,
        Kind = ChurnModelKind.LogisticRegression,
        Version = "v",
        FeatureNames = _names,
        Means = [0, 0, 0],
        Scales = [1, 1, 1],
        Coefficients = coefficients,
        Intercept = 0,
    };

    [Fact]
    public void Artefacts_round_trip_through_json_with_identical_scores_and_provenance()
    {
        foreach (var model in new[] { telco.Logistic.Artefact, telco.Trees.Artefact })
        {
            var restored = ChurnModel.FromJson(model.ToJson());

            for (var i = 0; i < 50; i++)
            {
                var a = model.Score(telco.Row(i));
                var b = restored.Score(telco.Row(i));
                Assert.Equal(a.Probability, b.Probability);
                Assert.Equal(a.TopReasons, b.TopReasons);
            }

            Assert.Matches(@"^churn-(lr|gbt)-2026-12-01-[0-9a-f]{8}$", restored.Version);
            Assert.Equal(restored.Version, restored.Score(telco.Row(0)).ModelVersion);
            Assert.Equal(ChurnModel.CurrentFormat, restored.Format);
        }
    }

    [Fact]
    public void Reasons_are_the_largest_positive_contributions_in_words_and_bands_follow_thresholds()
    {
        var model = Linear([-1, 2, 0.5]);

        var score = model.Score(new Dictionary<string, double> { ["orders_90d"] = 1, ["recency_days"] = 1, ["revenue_30d"] = 1 });

        Assert.Equal(["recency_days", "revenue_30d"], score.TopReasons.Select(r => r.Feature));
        Assert.Equal(2, score.TopReasons[0].Contribution, 6);
        Assert.Equal(0.5, score.TopReasons[1].Contribution, 6);
        Assert.Equal("Recency days: 1, above the typical 0", score.TopReasons[0].Text);
        Assert.Equal(1 / (1 + Math.Exp(-1.5)), score.Probability, 7);
        Assert.Equal(RiskBand.High, score.Band);
        Assert.Equal(RiskBand.Medium, model.Score(new Dictionary<string, double> { ["orders_90d"] = 0.5 }).Band);
        Assert.Equal(RiskBand.Low, model.Score(new Dictionary<string, double> { ["orders_90d"] = 3 }).Band);
        // Missing features take the training mean: a zero contribution, so no reasons and p = sigmoid(intercept).
        var empty = model.Score(new Dictionary<string, double>());
        Assert.Equal(0.5, empty.Probability, 12);
        Assert.Empty(empty.TopReasons);
    }

    [Fact]
    public void One_hot_slots_of_a_column_form_one_reason_that_names_the_customers_value()
    {
        var score = telco.Logistic.Artefact.Score(MonthToMonthFibreNewcomer());

        Assert.Equal(RiskBand.High, score.Band);
        Assert.Equal(score.TopReasons.Count, score.TopReasons.Select(r => r.Feature).Distinct().Count());
        Assert.DoesNotContain(score.TopReasons, r => r.Feature.Contains('='));
        Assert.All(score.TopReasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Text)));
        var contract = Assert.Single(telco.Trees.Artefact.Score(MonthToMonthFibreNewcomer()).TopReasons, r => r.Feature == "Contract");
        Assert.Equal("Contract: Month-to-month", contract.Text);
    }

    [Fact]
    public void Probability_only_path_agrees_with_the_full_score()
    {
        foreach (var model in new[] { telco.Logistic.Artefact, telco.Trees.Artefact })
        {
            for (var i = 0; i < 100; i++)
            {
                Assert.Equal(model.Score(telco.Row(i)).Probability, model.PredictProbability(telco.Row(i)));
            }
        }
    }

    [Fact]
    public void A_format_1_logistic_artefact_is_converted_on_load_and_scores_as_before()
    {
        // Format 1 (the project's own trainer) scored sigmoid(b + Σ c·(x − mean)/scale).
        var json = """{"kind":"LogisticRegression","version":"old","featureNames":["a","b"],"means":[1,10],"scales":[2,5],"coefficients":[0.8,-0.4],"intercept":-0.3}""";

        var model = ChurnModel.FromJson(json);

        var expected = 1 / (1 + Math.Exp(-(-0.3 + 0.8 * (4 - 1) / 2 - 0.4 * (3 - 10) / 5.0)));
        Assert.Equal(expected, model.Score(new Dictionary<string, double> { ["a"] = 4, ["b"] = 3 }).Probability, 6);
        Assert.Equal(ChurnModel.CurrentFormat, model.Format);
    }

    [Fact]
    public void Loading_an_artefact_with_mismatched_arrays_or_a_broken_tree_fails_clearly()
    {
        var json = """{"kind":"LogisticRegression","version":"v","featureNames":["a","b"],"means":[0],"scales":[1,1],"coefficients":[1,1]}""";
        Assert.Contains("Means", Assert.Throws<InvalidDataException>(() => ChurnModel.FromJson(json)).Message);

        // A child pointing back at its parent would loop forever at scoring time.
        var loop = new ChurnModel
        {
            Format = ChurnModel.CurrentFormat,
            Kind = ChurnModelKind.GradientBoostedTrees,
            Version = "loop",
            FeatureNames = ["a"],
            Means = [0],
            Scales = [1],
            Trees = [new RegressionTree([0, -1], [0.5f, 0], [0, -1], [1, -1], [0, 0])],
        };
        Assert.Contains("Trees", Assert.Throws<InvalidDataException>(() => ChurnModel.FromJson(loop.ToJson())).Message);
        Assert.Contains("format 7", Assert.Throws<InvalidDataException>(() => ChurnModel.FromJson(Linear([1, 1, 1]).ToJson().Replace("\"format\": 2", "\"format\": 7", StringComparison.Ordinal))).Message);
    }

    private Dictionary<string, double> MonthToMonthFibreNewcomer()
    {
        // A real Telco customer: the first churner on a month-to-month contract with fibre and tenure ≤ 2.
        var contract = Array.IndexOf(telco.Names, "Contract=Month-to-month");
        var fibre = Array.IndexOf(telco.Names, "InternetService=Fiber optic");
        var tenure = Array.IndexOf(telco.Names, "tenure");
        var i = Enumerable.Range(0, telco.X.Length).First(i => telco.Labels[i] == 1 && telco.X[i][contract] == 1 && telco.X[i][fibre] == 1 && telco.X[i][tenure] <= 2);
        return telco.Row(i);
    }
}
