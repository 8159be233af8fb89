namespace PersonalizationEngine.Learning;

/// <summary>Anything that maps a numeric feature vector to P(y = 1).</summary>
public interface IBinaryClassifier
{
    double PredictProbability(double[] x);
}
