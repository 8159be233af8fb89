namespace PersonalizationEngine.Learning.Evaluation;

public sealed record FoldResult(int Fold, double RocAuc, double AveragePrecision, double LogLoss, double Brier);
