using System.Globalization;
using System.Text.Json;
using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Learning.Models;

/// <summary>
/// Trains a <see cref="ChurnModel"/> straight from named feature dictionaries (what customer grains produce,
/// e.g. <c>orders_90d</c>, <c>recency_days</c>). Feature names are the sorted union of the keys; a key absent
/// from a row takes that feature's mean over the rows that have it, matching how <see cref="ChurnModel.Score"/>
/// treats a missing feature.
/// </summary>
public static class ChurnModelTrainer
{
    public static ChurnModel Train(
        IReadOnlyList<IReadOnlyDictionary<string, double>> rows,
        IReadOnlyList<int> labels,
        ChurnModelKind kind,
        DateOnly date,
        LogisticRegressionOptions? logistic = null,
        GbtOptions? trees = null)
    {
        if (rows.Count != labels.Count || rows.Count == 0)
        {
            throw new ArgumentException("Rows and labels must be non-empty and of equal length.", nameof(rows));
        }

        var names = rows.SelectMany(r => r.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        var means = names.Select(n => rows.Where(r => r.ContainsKey(n) && double.IsFinite(r[n])).Select(r => r[n]).DefaultIfEmpty(0).Average()).ToArray();
        var x = rows.Select(r => names.Select((n, j) => r.TryGetValue(n, out var v) && double.IsFinite(v) ? v : means[j]).ToArray()).ToArray();
        if (kind == ChurnModelKind.GradientBoostedTrees)
        {
            var model = GradientBoostedTrees.Fit(x, labels, trees);
            var parameters = JsonSerializer.Serialize(model.Trees.Select(t => t.Value.Sum()).Append(model.BaseScore));
            return ChurnModel.FromTrees(model, names, StandardScaler.Fit(x), ChurnModel.MakeVersion("gbt", date, parameters));
        }

        var fitted = LogisticRegression.Fit(x, labels, logistic);
        var json = string.Join(",", fitted.Coefficients.Append(fitted.Intercept).Select(c => c.ToString("R", CultureInfo.InvariantCulture)));
        return ChurnModel.FromLogistic(fitted, names, ChurnModel.MakeVersion("lr", date, json));
    }
}
