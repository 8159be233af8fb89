using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Learning.Tests.Models;

public sealed class ChurnModelTrainerTests
{
    [Theory]
    [InlineData(ChurnModelKind.LogisticRegression)]
    [InlineData(ChurnModelKind.GradientBoostedTrees)]
    public void Trains_from_named_feature_dictionaries_and_ranks_risky_customers_higher(ChurnModelKind kind)
    {
        var random = new Random(8);
        var rows = new List<IReadOnlyDictionary<string, double>>();
        var labels = new List<int>();
        for (var i = 0; i < 2000; i++)
        {
            var recency = random.NextDouble() * 120;
            var orders = random.Next(0, 10);
            var row = new Dictionary<string, double> { ["recency_days"] = recency, ["orders_90d"] = orders };
            if (i % 3 != 0)
            {
                row["revenue_30d"] = orders * 20.0; // sometimes absent: filled with the mean
            }

            rows.Add(row);
            labels.Add(random.NextDouble() < 1 / (1 + Math.Exp(-(recency / 30 - orders * 0.5))) ? 1 : 0);
        }

        var model = ChurnModelTrainer.Train(rows, labels, kind, new DateOnly(2026, 11, 24));

        Assert.Equal(["orders_90d", "recency_days", "revenue_30d"], model.FeatureNames);
        var lapsed = model.Score(new Dictionary<string, double> { ["recency_days"] = 110, ["orders_90d"] = 0 });
        var loyal = model.Score(new Dictionary<string, double> { ["recency_days"] = 2, ["orders_90d"] = 9, ["revenue_30d"] = 180 });
        Assert.True(lapsed.Probability > 0.8, $"lapsed {lapsed.Probability}");
        Assert.True(loyal.Probability < 0.1, $"loyal {loyal.Probability}");
        Assert.Equal(RiskBand.High, lapsed.Band);
        Assert.Contains(lapsed.TopReasons, r => r.Feature == "recency_days");
        Assert.Contains(lapsed.TopReasons, r => r.Feature == "orders_90d");
        Assert.DoesNotContain(loyal.TopReasons, r => r.Feature == "recency_days");
        Assert.Matches(@"^churn-(lr|gbt)-2026-11-24-[0-9a-f]{8}$", model.Version);
    }
}
