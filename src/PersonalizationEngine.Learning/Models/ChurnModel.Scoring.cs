namespace PersonalizationEngine.Learning.Models;

public sealed partial record ChurnModel
{
    private const int StackLimit = 256;

    /// <summary>
    /// Scores one customer: probability, band, the top reasons in words and the model version. The arithmetic
    /// lives on the stack; only the returned score, its reasons and their sentences are allocated. The
    /// probability is the one <see cref="PredictProbability(IReadOnlyDictionary{string, double})"/> gives. The
    /// reasons come from the exact contributions (linear), from Saabas path attribution in the same walk
    /// (tree artefacts without node cover), or from exact TreeSHAP (tree artefacts with it): those are
    /// computed when the reasons are first read, from a copy of the customer's row kept in the list.
    /// </summary>
    public ChurnScore Score(IReadOnlyDictionary<string, double> features)
    {
        var d = FeatureNames.Length;
        Span<double> x = d <= StackLimit ? stackalloc double[d] : new double[d];
        Fill(features, x);
        if (DefaultAttribution != ReasonAttribution.Saabas && Compiled.CoveredTrees is not null)
        {
            var p = Calibrate(Margin(x, [], withContributions: false));
            return new ChurnScore(p, BandOf(p), new DeferredReasons(this, x.ToArray()), Version);
        }

        var (probability, reasons) = ScoreWithReasons(x, DefaultAttribution, ReasonTieTolerance);
        return new ChurnScore(probability, BandOf(probability), reasons, Version);
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
    /// Per-feature contributions to the log-odds for a dense row. Logistic regression: exact, relative to a
    /// customer at the training means. Trees: exact path-dependent TreeSHAP values (one per slot) relative to
    /// the expected margin over the training rows, or Saabas path attribution for an artefact without node
    /// cover; either way they sum to the margin minus <c>−slope · (BaseScore + Σ root values)</c>.
    /// Returns the margin in log-odds.
    /// </summary>
    public double Contributions(ReadOnlySpan<double> row, Span<double> contributions)
    {
        contributions.Clear();
        if (Compiled.SlotShap is { } shap)
        {
            TreeContributions(row, shap, contributions);
            return -CalibratorSlope * Margin(row, [], withContributions: false);
        }

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

    /// <summary>
    /// TreeSHAP values of <paramref name="shap"/>'s players for a dense row, added to <paramref name="phi"/>
    /// in log-odds units (sign: raises risk). The trees' output is the margin, so only the scale changes.
    /// </summary>
    private void TreeContributions(ReadOnlySpan<double> x, Trees.TreeShap shap, Span<double> phi)
    {
        Span<float> xf = x.Length <= StackLimit ? stackalloc float[x.Length] : new float[x.Length];
        for (var j = 0; j < x.Length; j++)
        {
            xf[j] = (float)x[j];
        }

        shap.AddContributions(xf, phi);
        var scale = -CalibratorSlope;
        for (var p = 0; p < phi.Length; p++)
        {
            phi[p] *= scale;
        }
    }

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
