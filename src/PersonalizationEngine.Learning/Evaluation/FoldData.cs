namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>One fold's rows after preprocessing fitted on its training rows only.</summary>
public sealed record FoldData(double[][] TrainX, int[] TrainY, double[][] TestX, int[] TestY, string[] Names);
