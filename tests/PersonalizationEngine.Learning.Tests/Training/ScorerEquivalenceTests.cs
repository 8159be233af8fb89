using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Learning.Tests.Training;

/// <summary>
/// The engine never runs ML.NET to score: it runs the exported artefact. These tests hold the export to
/// ML.NET's own answer on every row of the Telco file, through the same entry point the grain uses
/// (named features, after a JSON round trip as the registry does).
/// </summary>
public sealed class ScorerEquivalenceTests(TelcoFixture telco) : IClassFixture<TelcoFixture>
{
    [Theory]
    [InlineData("lr")]
    [InlineData("trees")]
    public void Exported_scorer_reproduces_mlnet_probability_on_every_row(string which)
    {
        var trained = which == "lr" ? telco.Logistic : telco.Trees;
        var expected = trained.PredictProbabilities(telco.X);
        var artefact = ChurnModel.FromJson(trained.Artefact.ToJson());

        var worst = 0.0;
        var worstRow = -1;
        for (var i = 0; i < telco.X.Length; i++)
        {
            var viaNames = artefact.Score(telco.Row(i)).Probability;
            var dense = artefact.PredictProbability(telco.X[i]);
            Assert.Equal(viaNames, dense);
            var error = Math.Abs(viaNames - expected[i]);
            if (error > worst)
            {
                (worst, worstRow) = (error, i);
            }
        }

        Assert.True(worst <= 1e-6, $"{which}: largest |engine - ML.NET| = {worst:E3} at row {worstRow}");
        Assert.Equal(7043, expected.Length);
        // Not a constant model: the probabilities spread over the whole range.
        Assert.InRange(expected.Min(), 0, 0.05);
        Assert.InRange(expected.Max(), 0.75, 1);
    }

    [Fact]
    public void Linear_contributions_are_exact_and_sum_to_the_margin_difference_from_the_mean_customer()
    {
        var model = telco.Logistic.Artefact;
        var contributions = new double[model.FeatureNames.Length];
        var atMean = model.Contributions(model.Means, new double[model.FeatureNames.Length]);
        for (var i = 0; i < 200; i++)
        {
            var margin = model.Contributions(telco.X[i], contributions);
            Assert.Equal(margin - atMean, contributions.Sum(), 5);
        }
    }
}
