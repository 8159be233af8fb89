using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;
using Spectre.Console;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// <c>pe churn train</c>: picks the learner's settings (nested CV grid for trees) on all rows, measures that
/// recipe by 5-fold CV for the artefact's provenance, fits it on every row and writes the artefact + ML.NET zip.
/// </summary>
internal static class ChurnTraining
{
    public static int Run(string path, string outputPath, string kind, int seed, IAnsiConsole console)
    {
        var (data, labels, inputs) = TelcoChurn.Load(path, engineerFeatures: true);
        var encoder = TabularEncoder.Fit(data, inputs);
        var x = encoder.Transform(data);
        string[] names = [.. encoder.FeatureNames];
        console.MarkupLine($"{x.Length:N0} rows, {names.Length} encoded features; learner: {Markup.Escape(ChurnPipelines.Describe(kind))}");
        var candidates = ChurnPipelines.Candidates(kind);
        ChurnLearner learner = candidates[0];
        if (candidates.Count > 1)
        {
            var (best, scores) = CliProgress.Run(console, "choosing FastTree settings (3-fold CV on all rows)", progress =>
            {
                var done = 0;
                return NestedTuning.Choose(x, labels, names, candidates, ChurnCrossValidation.InnerFolds, seed + 1, step =>
                    progress(new CvProgress(++done, candidates.Count * ChurnCrossValidation.InnerFolds, step)));
            });
            foreach (var (candidate, auc) in scores)
            {
                console.MarkupLine($"  {Markup.Escape(candidate.ToString()),-70} ROC AUC {auc:F4}{(candidate == best ? "  [green]chosen[/]" : "")}");
            }

            learner = best;
        }

        var cv = CliProgress.Run(console, $"5-fold CV of {learner}", progress =>
            ChurnCrossValidation.Run(labels, fold =>
            {
                var train = data.Select(fold.TrainIndices);
                var foldEncoder = TabularEncoder.Fit(train, inputs);
                return new FoldData(foldEncoder.Transform(train), [.. fold.TrainIndices.Select(i => labels[i])], foldEncoder.Transform(data.Select(fold.TestIndices)), [.. fold.TestIndices.Select(i => labels[i])], [.. foldEncoder.FeatureNames]);
            }, [learner], 5, seed, progress));
        var trained = ChurnTrainer.Fit(x, labels, names, learner, DateOnly.FromDateTime(DateTime.UtcNow), seed, ChurnFeatureDescriptions.Telco);
        var (model, zip) = ArtefactWriter.Write(trained, outputPath, path, labels.Sum(), labels.Length, cv);
        var train = Metrics.RocAuc([.. x.Select(r => model.PredictProbability(r))], labels);
        console.MarkupLine($"Cross-validated ROC AUC {CliProgress.MeanSd(cv.Summary(f => f.RocAuc))} (training-set ROC AUC {train:F4}, optimistic).");
        console.MarkupLine($"Wrote [bold]{Markup.Escape(model.Version)}[/] to {Markup.Escape(outputPath)} ({new FileInfo(outputPath).Length / 1024} KiB) and the ML.NET model to {Markup.Escape(zip)} ({new FileInfo(zip).Length / 1024} KiB).");
        if (model.Coefficients is { } coefficients)
        {
            var table = new Table().Border(TableBorder.Simple).Title("largest weights (per standard deviation)").AddColumns("feature", "weight");
            foreach (var (name, c) in model.FeatureNames.Zip(coefficients).OrderByDescending(t => Math.Abs(t.Second)).Take(8))
            {
                table.AddRow(Markup.Escape(name), $"{c:F3}");
            }

            console.Write(table);
        }

        return 0;
    }
}
