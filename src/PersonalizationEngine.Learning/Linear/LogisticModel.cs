namespace PersonalizationEngine.Learning.Linear;

/// <summary>A fitted logistic model; coefficients apply to standardised features.</summary>
public sealed record LogisticModel(StandardScaler Scaler, double[] Coefficients, double Intercept) : IBinaryClassifier
{
    public double PredictProbability(double[] x)
    {
        var eta = Intercept;
        for (var j = 0; j < x.Length; j++)
        {
            eta += Coefficients[j] * (x[j] - Scaler.Means[j]) / Scaler.Scales[j];
        }

        return DenseMath.Sigmoid(eta);
    }

    /// <summary>Coefficients on the raw (unstandardised) scale: useful to compare with a known generator.</summary>
    public (double[] Weights, double Intercept) RawCoefficients()
    {
        var w = new double[Coefficients.Length];
        var b = Intercept;
        for (var j = 0; j < w.Length; j++)
        {
            w[j] = Coefficients[j] / Scaler.Scales[j];
            b -= w[j] * Scaler.Means[j];
        }

        return (w, b);
    }
}
