using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Linear;

namespace PersonalizationEngine.Learning.Tests.Linear;

public sealed class LogisticRegressionTests
{
    [Fact]
    public void Recovers_known_coefficients_from_synthetic_data()
    {
        double[] truth = [1.5, -2.0, 0.5, 0.0];
        var (x, y) = Synthetic.Logistic(20_000, truth, -0.7, seed: 1);

        var model = LogisticRegression.Fit(x, y, new LogisticRegressionOptions(L2: 1e-3));
        var (w, b) = model.RawCoefficients();

        for (var j = 0; j < truth.Length; j++)
        {
            Assert.InRange(w[j], truth[j] - 0.08, truth[j] + 0.08);
        }

        Assert.InRange(b, -0.78, -0.62);
    }

    [Fact]
    public void Perfectly_separable_data_keeps_finite_weights_and_classifies_correctly()
    {
        var x = Enumerable.Range(0, 200).Select(i => new[] { i < 100 ? -1.0 - i * 0.01 : 1.0 + i * 0.01 }).ToArray();
        var y = Enumerable.Range(0, 200).Select(i => i < 100 ? 0 : 1).ToArray();

        var model = LogisticRegression.Fit(x, y, new LogisticRegressionOptions(L2: 1.0));

        Assert.True(double.IsFinite(model.Coefficients[0]));
        Assert.InRange(Math.Abs(model.Coefficients[0]), 1, 100);
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(y[i], model.PredictProbability(x[i]) > 0.5 ? 1 : 0));
    }

    [Fact]
    public void Probabilities_are_calibrated_on_data_from_the_model_family()
    {
        var (x, y) = Synthetic.Logistic(20_000, [1.0, -1.0], 0.3, seed: 2);
        var (xTest, yTest) = Synthetic.Logistic(20_000, [1.0, -1.0], 0.3, seed: 3);

        var model = LogisticRegression.Fit(x, y);
        var p = xTest.Select(model.PredictProbability).ToArray();
        var table = Metrics.CalibrationTable(p, yTest);

        Assert.True(Metrics.ExpectedCalibrationError(table) < 0.02, $"ECE {Metrics.ExpectedCalibrationError(table)}");
        Assert.All(table, bin => Assert.InRange(bin.ObservedRate - bin.MeanPredicted, -0.04, 0.04));
    }

    [Fact]
    public void Scaler_ignores_constant_columns()
    {
        var scaler = StandardScaler.Fit([[1.0, 5.0], [3.0, 5.0]]);

        Assert.Equal([2.0, 5.0], scaler.Means);
        Assert.Equal([1.0, 1.0], scaler.Scales);
        Assert.Equal([1.0, 0.0], scaler.Transform([3.0, 5.0]));
    }
}
