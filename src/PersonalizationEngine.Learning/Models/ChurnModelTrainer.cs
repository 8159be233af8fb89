using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Learning.Models;

/// <summary>
/// Trains a <see cref="ChurnModel"/> with ML.NET straight from named feature dictionaries (what customer
/// grains produce, e.g. <c>orders_90d</c>, <c>recency_days</c>). Feature names are the sorted union of the
/// keys; a key absent from a row takes that feature's mean over the rows that have it, matching how
/// <see cref="ChurnModel.Score"/> treats a missing feature.
/// </summary>
public static class ChurnModelTrainer
{
    public static ChurnModel Train(
        IReadOnlyList<IReadOnlyDictionary<string, double>> rows,
        IReadOnlyList<int> labels,
        ChurnModelKind kind,
        DateOnly date,
        ChurnLearner? learner = null,
        IReadOnlyDictionary<string, string>? descriptions = null) =>
        Fit(rows, labels, learner ?? DefaultLearner(kind), date, descriptions).Artefact;

    public static TrainedChurnModel Fit(
        IReadOnlyList<IReadOnlyDictionary<string, double>> rows,
        IReadOnlyList<int> labels,
        ChurnLearner learner,
        DateOnly date,
        IReadOnlyDictionary<string, string>? descriptions = null)
    {
        if (rows.Count != labels.Count || rows.Count == 0)
        {
            throw new ArgumentException("Rows and labels must be non-empty and of equal length.", nameof(rows));
        }

        var (names, x) = Densify(rows);
        return ChurnTrainer.Fit(x, labels, names, learner, date, descriptions: descriptions ?? ChurnFeatureDescriptions.Engine);
    }

    public static ChurnLearner DefaultLearner(ChurnModelKind kind) =>
        kind == ChurnModelKind.GradientBoostedTrees ? new FastTreeLearner() : new LogisticLearner();

    /// <summary>Sorted feature names and dense rows, a missing or non-finite value filled with the feature's mean.</summary>
    public static (string[] Names, double[][] X) Densify(IReadOnlyList<IReadOnlyDictionary<string, double>> rows)
    {
        var names = rows.SelectMany(r => r.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var means = names.Select(n => rows.Where(r => r.TryGetValue(n, out var v) && double.IsFinite(v)).Select(r => r[n]).DefaultIfEmpty(0).Average()).ToArray();
        var x = rows.Select(r => names.Select((n, j) => r.TryGetValue(n, out var v) && double.IsFinite(v) ? v : means[j]).ToArray()).ToArray();
        return (names, x);
    }

    /// <summary>Dense rows in a given feature order (a trained model's), missing values filled with <paramref name="fill"/>.</summary>
    public static double[][] Densify(IReadOnlyList<IReadOnlyDictionary<string, double>> rows, IReadOnlyList<string> names, IReadOnlyList<double> fill) =>
        [.. rows.Select(r => names.Select((n, j) => r.TryGetValue(n, out var v) && double.IsFinite(v) ? v : fill[j]).ToArray())];
}
