using System.Diagnostics;
using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;
using Spectre.Console;

namespace PersonalizationEngine.Cli.Commands;

/// <summary><c>pe churn evaluate</c>: ML.NET learners under stratified k-fold CV on the Telco layout.</summary>
internal static class ChurnEvaluation
{
    public static int Run(string path, int folds, int seed, bool engineered, IReadOnlyList<string> learners, IAnsiConsole console)
    {
        var (data, labels, inputs) = TelcoChurn.Load(path, engineered);
        console.MarkupLine($"[bold]{Markup.Escape(Path.GetFileName(path))}[/]: {labels.Length:N0} rows, {labels.Sum():N0} churned ({labels.Average():P1}), {inputs.Length} input columns, engineered features: {(engineered ? "yes" : "no")}");
        console.MarkupLine($"Stratified {folds}-fold CV, seed {seed}; one-hot vocabulary, fill values, ML.NET normaliser and tree binning fitted inside each fold; FastTree settings by an inner {ChurnCrossValidation.InnerFolds}-fold CV on each training fold.");
        var summaries = new List<(string Name, CrossValidationResult Result, TimeSpan Elapsed)>();
        foreach (var kind in learners)
        {
            var watch = Stopwatch.StartNew();
            var result = CliProgress.Run(console, ChurnPipelines.Describe(kind), progress =>
                ChurnCrossValidation.Run(data, labels, inputs, ChurnPipelines.Candidates(kind), folds, seed, progress));
            summaries.Add((ChurnPipelines.Describe(kind), result, watch.Elapsed));
            console.Write(FoldTable(result));
        }

        console.Write(SummaryTable(summaries));
        return 0;
    }

    internal static Table FoldTable(CrossValidationResult result)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("fold", "ROC AUC", "PR AUC", "log loss", "Brier", "learner");
        foreach (var f in result.Folds)
        {
            table.AddRow($"{f.Fold}", $"{f.RocAuc:F4}", $"{f.AveragePrecision:F4}", $"{f.LogLoss:F4}", $"{f.Brier:F4}", Markup.Escape(f.Learner ?? ""));
        }

        var calibration = new Table().Border(TableBorder.Simple).Title("calibration, pooled out-of-fold deciles").AddColumns("decile", "n", "mean predicted", "observed");
        foreach (var bin in result.Calibration)
        {
            calibration.AddRow($"{bin.Bin}", $"{bin.Count}", $"{bin.MeanPredicted:F3}", $"{bin.ObservedRate:F3}");
        }

        return new Table().Border(TableBorder.None).AddColumns("", "").HideHeaders().AddRow(table, calibration);
    }

    internal static Table SummaryTable(IEnumerable<(string Name, CrossValidationResult Result, TimeSpan Elapsed)> summaries)
    {
        var table = new Table().Title("[bold]Summary[/] (mean ± sd over outer folds; log loss in nats; ECE over pooled out-of-fold deciles)")
            .AddColumns("model", "ROC AUC", "PR AUC", "log loss", "Brier", "ECE", "time");
        foreach (var (name, result, elapsed) in summaries)
        {
            table.AddRow(
                Markup.Escape(name),
                CliProgress.MeanSd(result.Summary(f => f.RocAuc)),
                CliProgress.MeanSd(result.Summary(f => f.AveragePrecision)),
                CliProgress.MeanSd(result.Summary(f => f.LogLoss)),
                CliProgress.MeanSd(result.Summary(f => f.Brier)),
                $"{Metrics.ExpectedCalibrationError(result.Calibration):F4}",
                $"{elapsed.TotalSeconds:F0} s");
        }

        return table;
    }
}
