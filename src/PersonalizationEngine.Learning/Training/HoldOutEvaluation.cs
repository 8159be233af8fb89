namespace PersonalizationEngine.Learning.Training;

/// <summary>
/// A model scored on rows it did not see, by ML.NET's binary evaluator: ROC AUC, area under the
/// precision-recall curve, log loss (ML.NET reports bits; here converted to nats, as most papers and
/// scikit-learn report it) and, from the same probabilities, the Brier score.
/// </summary>
public sealed record HoldOutEvaluation(double RocAuc, double PrAuc, double LogLoss, double LogLossBits, double Brier, float[] Probabilities);
