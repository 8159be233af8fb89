namespace PersonalizationEngine.Learning.Models;

public sealed partial record ChurnModel
{
    private const int StackLimit = 256;

    /// <summary>
    /// Scores one customer: probability, band, the top reasons in words and the model version. The arithmetic
    /// lives on the stack; only the returned score, its reasons and their sentences are allocated.
    /// </summary>
    public ChurnScore Score(IReadOnlyDictionary<string, double> features)
    {
        var d = FeatureNames.Length;
        Span<double> x = d <= StackLimit ? stackalloc double[d] : new double[d];
        Span<double> contributions = d <= StackLimit ? stackalloc double[d] : new double[d];
        Fill(features, x);
        contributions.Clear();
        var probability = Calibrate(Margin(x, contributions, withContributions: true));
        return new ChurnScore(probability, BandOf(probability), BuildReasons(x, contributions), Version);
    }

    /// <summary>The probability alone, allocation-free (what a bulk re-score or a trigger check needs).</summary>
    public double PredictProbability(IReadOnlyDictionary<string, double> features)
    {
        var d = FeatureNames.Length;
        Span<double> x = d <= StackLimit ? stackalloc double[d] : new double[d];
        Fill(features, x);
        return Calibrate(Margin(x, [], withContributions: false));
    }

    /// <summary>The probability for a dense row in <see cref="FeatureNames"/> order (evaluation and tests).</summary>
    public double PredictProbability(ReadOnlySpan<double> row)
    {
        if (row.Length != FeatureNames.Length)
        {
            throw new ArgumentException($"Expected {FeatureNames.Length} values, got {row.Length}.", nameof(row));
        }

        return Calibrate(Margin(row, [], withContributions: false));
    }

    /// <summary>
    /// Per-feature contributions to the log-odds for a dense row, relative to a customer at the training means
    /// (logistic regression: exact; trees: Saabas path attribution, exact too in that they sum to the margin).
    /// Returns the margin in log-odds.
    /// </summary>
    public double Contributions(ReadOnlySpan<double> row, Span<double> contributions)
    {
        contributions.Clear();
        return -CalibratorSlope * Margin(row, contributions, withContributions: true);
    }

    public RiskBand BandOf(double probability) =>
        probability >= HighThreshold ? RiskBand.High : probability >= MediumThreshold ? RiskBand.Medium : RiskBand.Low;

    private void Fill(IReadOnlyDictionary<string, double> features, Span<double> x)
    {
        var names = FeatureNames;
        var means = Means;
        for (var j = 0; j < x.Length; j++)
        {
            x[j] = features.TryGetValue(names[j], out var v) && double.IsFinite(v) ? v : means[j];
        }
    }

    /// <summary>ML.NET's Platt calibrator, applied to the score as ML.NET hands it over (single precision).</summary>
    private double Calibrate(double margin) => 1 / (1 + Math.Exp(CalibratorSlope * (float)margin + CalibratorOffset));

    /// <summary>The raw margin; with contributions, each feature's share in log-odds units (sign: raises risk).</summary>
    private double Margin(ReadOnlySpan<double> x, Span<double> contributions, bool withContributions)
    {
        var compiled = Compiled;
        if (Kind == ChurnModelKind.LogisticRegression)
        {
            var coefficients = Coefficients!;
            var offsets = compiled.Offsets;
            var scales = compiled.Scales;
            var margin = Intercept;
            for (var j = 0; j < x.Length; j++)
            {
                var z = ((float)x[j] - offsets[j]) * scales[j];
                margin += coefficients[j] * z;
                if (withContributions)
                {
                    contributions[j] = -CalibratorSlope * coefficients[j] * ((double)z - compiled.MeanZ[j]);
                }
            }

            return margin;
        }

        var total = BaseScore;
        var trees = Trees!;
        // Converted once, not at every split: the conversion sat on the latency chain of every tree step.
        Span<float> xf = x.Length <= StackLimit ? stackalloc float[x.Length] : new float[x.Length];
        for (var j = 0; j < x.Length; j++)
        {
            xf[j] = (float)x[j];
        }

        if (!withContributions)
        {
            foreach (var tree in trees)
            {
                total += tree.Predict(xf);
            }

            return total;
        }

        foreach (var tree in trees)
        {
            total += tree.PredictAndAddContributions(xf, contributions);
        }

        // Saabas contributions come in margin units; express them in log-odds like the linear ones.
        var scale = -CalibratorSlope;
        for (var j = 0; j < contributions.Length; j++)
        {
            contributions[j] *= scale;
        }

        return total;
    }
}
