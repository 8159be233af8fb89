using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>The hyper-parameters used by both evaluation and training, so the artefact matches what was evaluated.</summary>
public static class ChurnPipelines
{
    public static readonly LogisticRegressionOptions Logistic = new(L2: 1.0);

    public static readonly GbtOptions Trees = new(Trees: 200, MaxDepth: 2, LearningRate: 0.05, Subsample: 0.8, MinSamplesLeaf: 30, L2: 2.0, MaxBins: 32, Seed: 42);
}
