using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>The learners evaluation and training share, so the artefact is trained the way it was evaluated.</summary>
public static class ChurnPipelines
{
    public static readonly LogisticLearner Logistic = new(L2: 1f);

    /// <summary>FastTree's settings are chosen per fold by nested CV over this grid.</summary>
    public static IReadOnlyList<FastTreeLearner> TreeGrid => FastTreeLearner.Grid;

    /// <summary>ML.NET's FastTree defaults, evaluated for comparison only (issue 18: they overfit this data).</summary>
    public static readonly FastTreeLearner TreeDefaults = new(Leaves: 20, Trees: 100, LearningRate: 0.2, MinLeaf: 10);

    public static IReadOnlyList<ChurnLearner> Candidates(string kind) => kind switch
    {
        "lr" => [Logistic],
        "gbt" => [.. TreeGrid],
        "gbt-defaults" => [TreeDefaults],
        _ => throw new ArgumentException($"Unknown learner '{kind}' (lr, gbt, gbt-defaults).", nameof(kind)),
    };

    public static string Describe(string kind) => kind switch
    {
        "lr" => "ML.NET LbfgsLogisticRegression (mean-variance normalised, L2 = 1)",
        "gbt" => $"ML.NET FastTree, nested CV over {TreeGrid.Count} settings",
        "gbt-defaults" => "ML.NET FastTree at its defaults (20 leaves, 100 trees, lr 0.2)",
        _ => kind,
    };
}
