namespace PersonalizationEngine.Learning.Evaluation;

public sealed record Fold(int Index, int[] TrainIndices, int[] TestIndices);
