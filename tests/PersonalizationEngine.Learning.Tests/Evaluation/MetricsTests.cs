using PersonalizationEngine.Learning.Evaluation;

namespace PersonalizationEngine.Learning.Tests.Evaluation;

public sealed class MetricsTests
{
    [Fact]
    public void Auc_of_hand_example_without_ties()
    {
        // Pairs (pos, neg): (0.8 vs 0.1) win, (0.8 vs 0.4) win, (0.35 vs 0.1) win, (0.35 vs 0.4) loss → 3/4.
        Assert.Equal(0.75, Metrics.RocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 12);
    }

    [Fact]
    public void Auc_counts_ties_as_one_half()
    {
        // pos 0.5 vs neg 0.5 tie (½), pos 0.5 vs neg 0.2 win, pos 0.9 wins both → (½ + 1 + 2) / 4.
        Assert.Equal(0.875, Metrics.RocAuc([0.2, 0.5, 0.5, 0.9], [0, 0, 1, 1]), 12);
        Assert.Equal(0.5, Metrics.RocAuc([0.3, 0.3, 0.3], [0, 1, 0]), 12);
    }

    [Fact]
    public void Average_precision_of_hand_example()
    {
        // Ranked: 0.9 (1), 0.8 (0), 0.7 (1), 0.1 (0). AP = ½·1 + ½·(2/3) = 5/6.
        Assert.Equal(5.0 / 6, Metrics.AveragePrecision([0.1, 0.7, 0.8, 0.9], [0, 1, 0, 1]), 12);
    }

    [Fact]
    public void Average_precision_treats_tied_scores_as_one_threshold()
    {
        // All tied: one threshold, recall 1 at precision 1/2.
        Assert.Equal(0.5, Metrics.AveragePrecision([0.4, 0.4], [1, 0]), 12);
    }

    [Fact]
    public void Log_loss_and_brier_of_hand_example()
    {
        double[] p = [0.9, 0.2];
        int[] y = [1, 0];

        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.8)) / 2, Metrics.LogLoss(p, y), 12);
        Assert.Equal((0.01 + 0.04) / 2, Metrics.Brier(p, y), 12);
        Assert.True(double.IsFinite(Metrics.LogLoss([0.0], [1])));
    }

    [Fact]
    public void Calibration_table_uses_equal_count_bins()
    {
        var p = Enumerable.Range(0, 10).Select(i => i / 10.0).ToArray();
        var y = Enumerable.Range(0, 10).Select(i => i >= 5 ? 1 : 0).ToArray();

        var table = Metrics.CalibrationTable(p, y, bins: 2);

        Assert.Equal(2, table.Count);
        Assert.Equal(0.2, table[0].MeanPredicted, 12);
        Assert.Equal(0.0, table[0].ObservedRate);
        Assert.Equal(0.7, table[1].MeanPredicted, 12);
        Assert.Equal(1.0, table[1].ObservedRate);
        Assert.Equal(0.25, Metrics.ExpectedCalibrationError(table), 12);
    }
}
