using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Learning.Tests.Models;

public sealed class ShippedModelTests
{
    private static ChurnModel Shipped()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "models", "churn.json");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "PersonalizationEngine.sln")))
            {
                return ChurnModel.Load(path);
            }
        }

        throw new FileNotFoundException("models/churn.json not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Shipped_model_is_an_mlnet_export_with_provenance_and_ranks_a_lapsed_customer_above_a_loyal_one()
    {
        var model = Shipped();

        Assert.Equal(ChurnModel.CurrentFormat, model.Format);
        Assert.Equal("ML.NET FastTree", model.Provenance?.Trainer);
        Assert.Equal("churn.mlnet.zip", model.Provenance?.MlNetModel);
        Assert.Matches("^[0-9a-f]{64}$", model.Provenance?.MlNetModelSha256 ?? "");
        Assert.InRange(model.Provenance!.Metrics["cv_roc_auc_mean"], 0.70, 0.80);
        var lapsed = model.Score(new Dictionary<string, double> { ["recency_days"] = 200, ["days_since_last_seen"] = 200, ["frequency"] = 1, ["orders_90d"] = 0, ["orders_total"] = 1 });
        var loyal = model.Score(new Dictionary<string, double> { ["recency_days"] = 3, ["days_since_last_seen"] = 3, ["frequency"] = 25, ["orders_90d"] = 8, ["orders_total"] = 25 });
        Assert.True(lapsed.Probability > loyal.Probability + 0.2, $"lapsed {lapsed.Probability}, loyal {loyal.Probability}");
        Assert.NotEmpty(lapsed.TopReasons);
        Assert.All(lapsed.TopReasons, r => Assert.Contains(":", r.Text));
    }
}
