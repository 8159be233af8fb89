namespace PersonalizationEngine.Learning.Evaluation;

public sealed record CalibrationBin(int Bin, int Count, double MeanPredicted, double ObservedRate);
