using System.Text.Json;
using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Cli.Commands;

internal static class ChurnTraining
{
    public static int Run(string path, string outputPath, string kind, TextWriter output)
    {
        output.WriteLine($"Loading {path} ...");
        var (data, labels, inputs) = TelcoChurn.Load(path, engineerFeatures: true);
        var encoder = TabularEncoder.Fit(data, inputs);
        var x = encoder.Transform(data);
        output.WriteLine($"{x.Length} rows, {encoder.FeatureNames.Count} encoded features; fitting {kind} ...");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        ChurnModel model;
        double[] p;
        if (kind == "gbt")
        {
            var trees = GradientBoostedTrees.Fit(x, labels, ChurnPipelines.Trees);
            var version = ChurnModel.MakeVersion("gbt", today, JsonSerializer.Serialize(trees.Trees.Select(t => t.Value.Sum()).Append(trees.BaseScore)));
            model = ChurnModel.FromTrees(trees, encoder.FeatureNames, StandardScaler.Fit(x), version);
            p = x.Select(trees.PredictProbability).ToArray();
        }
        else
        {
            var logistic = LogisticRegression.Fit(x, labels, ChurnPipelines.Logistic);
            var version = ChurnModel.MakeVersion("lr", today, JsonSerializer.Serialize(logistic.Coefficients.Append(logistic.Intercept)));
            model = ChurnModel.FromLogistic(logistic, encoder.FeatureNames, version);
            p = x.Select(logistic.PredictProbability).ToArray();
        }

        model.Save(outputPath);
        output.WriteLine($"Training-set ROC AUC {Metrics.RocAuc(p, labels):F4} (optimistic: use 'churn evaluate' for honest figures).");
        output.WriteLine($"Wrote {model.Version} to {outputPath} ({new FileInfo(outputPath).Length / 1024} KiB).");
        if (model.Coefficients is { } coefficients)
        {
            output.WriteLine("Largest standardised coefficients:");
            foreach (var (name, c) in model.FeatureNames.Zip(coefficients).OrderByDescending(t => Math.Abs(t.Second)).Take(8))
            {
                output.WriteLine($"  {name,-45} {c,8:F3}");
            }
        }

        return 0;
    }
}
