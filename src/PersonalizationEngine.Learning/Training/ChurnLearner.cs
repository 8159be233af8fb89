using System.Globalization;
using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Learning.Training;

/// <summary>An ML.NET learner with its few settings: what <see cref="ChurnTrainer"/> fits and the artefact records.</summary>
public abstract record ChurnLearner
{
    public abstract ChurnModelKind Kind { get; }

    /// <summary>The ML.NET trainer's name, as recorded in the artefact's provenance.</summary>
    public abstract string Trainer { get; }

    public abstract IReadOnlyDictionary<string, string> Parameters { get; }

    public sealed override string ToString() => $"{Trainer}({string.Join(", ", Parameters.Select(p => $"{p.Key}={p.Value}"))})";

    private protected static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}

/// <summary>
/// ML.NET <c>NormalizeMeanVariance</c> followed by <c>LbfgsLogisticRegression</c> (L-BFGS on the
/// regularised log-loss). L2 acts on the normalised weights.
/// </summary>
public sealed record LogisticLearner(float L2 = 1f, float L1 = 0f) : ChurnLearner
{
    public override ChurnModelKind Kind => ChurnModelKind.LogisticRegression;

    public override string Trainer => "LbfgsLogisticRegression";

    public override IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string>
    {
        ["normaliser"] = "NormalizeMeanVariance",
        ["l2"] = Format(L2),
        ["l1"] = Format(L1),
    };
}

/// <summary>
/// ML.NET <c>FastTree</c> (gradient-boosted regression trees on the binary log-loss, MART), with its Platt
/// calibrator. ML.NET's defaults (20 leaves, 100 trees, learning rate 0.2) overfit Telco-sized data (ROC AUC
/// 0.827 against 0.847 tuned, issue 18), so the settings are chosen by nested cross-validation.
/// </summary>
public sealed record FastTreeLearner(int Leaves = 8, int Trees = 200, double LearningRate = 0.05, int MinLeaf = 30) : ChurnLearner
{
    public override ChurnModelKind Kind => ChurnModelKind.GradientBoostedTrees;

    public override string Trainer => "FastTree";

    public override IReadOnlyDictionary<string, string> Parameters => new Dictionary<string, string>
    {
        ["leaves"] = Format(Leaves),
        ["trees"] = Format(Trees),
        ["learningRate"] = Format(LearningRate),
        ["minLeaf"] = Format(MinLeaf),
    };

    /// <summary>The grid nested cross-validation searches: few cells, because each costs an inner CV.</summary>
    public static IReadOnlyList<FastTreeLearner> Grid { get; } =
    [
        new(Leaves: 4, Trees: 200, LearningRate: 0.05, MinLeaf: 30),
        new(Leaves: 4, Trees: 400, LearningRate: 0.05, MinLeaf: 30),
        new(Leaves: 8, Trees: 100, LearningRate: 0.05, MinLeaf: 30),
        new(Leaves: 8, Trees: 200, LearningRate: 0.05, MinLeaf: 30),
        new(Leaves: 16, Trees: 100, LearningRate: 0.05, MinLeaf: 50),
        new(Leaves: 20, Trees: 100, LearningRate: 0.2, MinLeaf: 10),
    ];
}
