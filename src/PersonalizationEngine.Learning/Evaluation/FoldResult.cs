namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>
/// One outer fold's held-out figures: ROC AUC, PR AUC and log loss from ML.NET's evaluator (log loss converted
/// from bits to nats), Brier from <see cref="Metrics"/>; the learner that fold trained (nested CV may pick a
/// different one per fold).
/// </summary>
public sealed record FoldResult(int Fold, double RocAuc, double AveragePrecision, double LogLoss, double Brier, string? Learner = null);
