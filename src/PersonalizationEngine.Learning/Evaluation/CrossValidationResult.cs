namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>Per-fold metrics plus the pooled out-of-fold predictions (for the calibration table).</summary>
public sealed record CrossValidationResult(IReadOnlyList<FoldResult> Folds, double[] OutOfFold, int[] Labels)
{
    public (double Mean, double Sd) Summary(Func<FoldResult, double> metric)
    {
        var values = Folds.Select(metric).ToArray();
        var mean = values.Average();
        var sd = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        return (mean, sd);
    }

    public IReadOnlyList<CalibrationBin> Calibration => Metrics.CalibrationTable(OutOfFold, Labels);
}
