using System.Diagnostics;
using PersonalizationEngine.Learning;
using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Cli.Commands;

internal static class ChurnEvaluation
{
    public static int Run(string path, int folds, int seed, bool engineered, TextWriter output)
    {
        output.WriteLine($"Loading {path} ...");
        var (data, labels, inputs) = TelcoChurn.Load(path, engineered);
        output.WriteLine($"{labels.Length} rows, {labels.Sum()} positive ({labels.Average():P1}), {inputs.Length} input columns, engineered features: {(engineered ? "yes" : "no")}");
        output.WriteLine($"Stratified {folds}-fold CV, seed {seed}; encoder, scaler and tree binning fitted inside each fold.");
        var models = new (string Name, Func<double[][], int[], IBinaryClassifier> Train)[]
        {
            ("logistic regression (L2=1, Newton)", (x, y) => LogisticRegression.Fit(x, y, ChurnPipelines.Logistic)),
            ($"gradient-boosted trees ({ChurnPipelines.Trees.Trees} trees, depth {ChurnPipelines.Trees.MaxDepth}, lr {ChurnPipelines.Trees.LearningRate})", (x, y) => GradientBoostedTrees.Fit(x, y, ChurnPipelines.Trees)),
        };
        var summaries = new List<(string Name, CrossValidationResult Result)>();
        foreach (var (name, train) in models)
        {
            output.WriteLine();
            output.WriteLine($"== {name}");
            var watch = Stopwatch.StartNew();
            var result = CrossValidation.Run(data, labels, inputs, train, folds, seed, fold =>
                output.WriteLine($"  fold {fold.Fold}/{folds}: ROC AUC {fold.RocAuc:F4}  PR AUC {fold.AveragePrecision:F4}  log loss {fold.LogLoss:F4}  Brier {fold.Brier:F4}  ({watch.Elapsed.TotalSeconds:F1} s)"));
            summaries.Add((name, result));
            output.WriteLine("  calibration (out-of-fold deciles): bin  n  mean predicted  observed");
            foreach (var bin in result.Calibration)
            {
                output.WriteLine($"    {bin.Bin,2} {bin.Count,5}  {bin.MeanPredicted,6:F3}  {bin.ObservedRate,6:F3}");
            }
        }

        output.WriteLine();
        output.WriteLine("Summary (mean ± sd over folds; ECE from pooled out-of-fold deciles)");
        output.WriteLine($"{"model",-48} {"ROC AUC",-16} {"PR AUC",-16} {"log loss",-16} {"Brier",-16} ECE");
        foreach (var (name, result) in summaries)
        {
            output.WriteLine($"{name,-48} {Format(result.Summary(f => f.RocAuc)),-16} {Format(result.Summary(f => f.AveragePrecision)),-16} {Format(result.Summary(f => f.LogLoss)),-16} {Format(result.Summary(f => f.Brier)),-16} {Metrics.ExpectedCalibrationError(result.Calibration):F4}");
        }

        return 0;
    }

    private static string Format((double Mean, double Sd) s) => $"{s.Mean:F4} ± {s.Sd:F4}";
}
