using System.Diagnostics;
using System.Globalization;
using PersonalizationEngine.Domain.Datasets;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Grains.Replay;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// <c>pe churn retail</c>: churn on the Online Retail file. Label: no purchase in the last 90 days of the data.
/// Features: the events before that cutoff replayed through the grains (the code that serves live), read as of
/// the cutoff. Stratified k-fold CV of ML.NET logistic regression and FastTree (nested CV) against a recency-only
/// baseline; optionally writes a model trained on every customer.
/// </summary>
internal static class RetailChurn
{
    /// <summary>Features the model may use: behaviour, not bookkeeping (dq_*), not per-key affinities, not its own output.</summary>
    internal static bool Usable(string name) =>
        !name.StartsWith("dq_", StringComparison.Ordinal) && !name.Contains('.', StringComparison.Ordinal) && name != "churn_probability";

    internal static IEnumerable<RetailLine> Read(string path) => OnlineRetailParser.ReadFile(path);

    public static async Task<int> RunAsync(string path, int folds, int seed, string? outPath, TextWriter output, CancellationToken ct)
    {
        var end = Read(path).Max(l => l.InvoiceDate);
        var cutoff = end.AddDays(-90);
        output.WriteLine($"Online Retail churn: data ends {end:yyyy-MM-dd}; churn = no purchase from {cutoff:yyyy-MM-dd} on (90 days).");
        var labels = OnlineRetailChurn.Labels(Read(path), cutoff);
        output.WriteLine($"{labels.Count:N0} customers bought before the cutoff; {labels.Values.Sum():N0} churned ({labels.Values.Average():P1}).");

        await using var host = await EngineHost.StartAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "Memory", ["Engine:SnapshotEveryEvents"] = "100000" });
        var watch = Stopwatch.StartNew();
        var replay = new OnlineRetailReplay(host.Get<IngestionService>());
        var last = TimeSpan.Zero;
        var summary = await replay.RunAsync(path, until: cutoff, progress: new Progress<ReplayProgress>(p =>
        {
            if (p.Elapsed - last < TimeSpan.FromMilliseconds(500)) return;
            last = p.Elapsed;
            output.Write($"\r  replaying events before the cutoff through the grains: {p.Events,7:N0} events, {p.Elapsed.TotalSeconds:F1} s   ");
        }), cancellationToken: ct);
        output.WriteLine($"\r  replayed {summary.Events:N0} events for {summary.Customers:N0} customers through the grains in {watch.Elapsed.TotalSeconds:F1} s ({summary.EventsPerSecond:N0} events/s)          ");

        var directory = host.Get<CustomerDirectory>();
        var customers = host.Get<CustomerService>();
        var ids = labels.Keys.Order(StringComparer.Ordinal).ToList();
        var rows = new List<IReadOnlyDictionary<string, double>>(ids.Count);
        var y = new List<int>(ids.Count);
        foreach (var id in ids)
        {
            var r = await directory.ResolveAsync("crm_id:" + id);
            if (!r.Found) continue;
            var f = await customers.FeaturesAsync(r.ProfileId!, cutoff);
            rows.Add(f!.Where(p => Usable(p.Key)).ToDictionary(p => p.Key, p => p.Value));
            y.Add(labels[id]);
        }
        output.WriteLine($"  {rows.Count:N0} feature rows of {rows[0].Count} features as of the cutoff");

        var labelsArray = y.ToArray();
        var console = Spectre.Console.AnsiConsole.Console;
        var results = new List<(string Name, CrossValidationResult Result, TimeSpan Elapsed)>();
        output.WriteLine();
        output.WriteLine($"Stratified {folds}-fold CV (seed {seed}); feature set and fill values fitted inside each fold:");

        // The raw-score baseline needs no training: ROC AUC of recency_days itself, per fold.
        var baselineAucs = StratifiedKFold.Split(labelsArray, folds, seed)
            .Select(f => Metrics.RocAuc([.. f.TestIndices.Select(i => rows[i].GetValueOrDefault("recency_days", 1e6))], [.. f.TestIndices.Select(i => labelsArray[i])]))
            .ToArray();
        var baseline = baselineAucs.Average();
        output.WriteLine($"  recency only (score = recency_days)          ROC AUC {baseline:F4} ± {StdDev(baselineAucs):F4}");

        var recencyRows = rows.Select(r => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["recency_days"] = r.GetValueOrDefault("recency_days", 1e6) }).ToList();
        foreach (var (name, data, kind) in new[]
        {
            ("recency only, ML.NET logistic regression", (IReadOnlyList<IReadOnlyDictionary<string, double>>)recencyRows, "lr"),
            ("all grain features, " + ChurnPipelines.Describe("lr"), rows, "lr"),
            ("all grain features, " + ChurnPipelines.Describe("gbt"), rows, "gbt"),
        })
        {
            var clock = Stopwatch.StartNew();
            var result = CliProgress.Run(console, name, progress => ChurnCrossValidation.Run(data, labelsArray, ChurnPipelines.Candidates(kind), folds, seed, progress));
            results.Add((name, result, clock.Elapsed));
            console.Write(ChurnEvaluation.FoldTable(result));
        }

        console.Write(ChurnEvaluation.SummaryTable(results));
        var best = results.Skip(1).MaxBy(r => r.Result.Summary(f => f.RocAuc).Mean);
        var bestAuc = best.Result.Summary(f => f.RocAuc).Mean;
        output.WriteLine($"Best: {best.Name}, ROC AUC {bestAuc:F4} vs recency-only {baseline:F4}: {(bestAuc - baseline >= 0 ? "+" : "")}{bestAuc - baseline:F4} (goal +0.05)");

        if (outPath is not null)
        {
            var kind = best.Name.Contains("FastTree", StringComparison.Ordinal) ? "gbt" : "lr";
            var candidates = ChurnPipelines.Candidates(kind);
            var (names, x) = ChurnModelTrainer.Densify(rows);
            var learner = candidates.Count > 1
                ? CliProgress.Run(console, "choosing FastTree settings on every customer", progress =>
                {
                    var done = 0;
                    return NestedTuning.Choose(x, labelsArray, names, candidates, ChurnCrossValidation.InnerFolds, seed + 1, step =>
                        progress(new CvProgress(++done, candidates.Count * ChurnCrossValidation.InnerFolds, step))).Best;
                })
                : candidates[0];
            var trained = ChurnModelTrainer.Fit(rows, y, learner, DateOnly.FromDateTime(DateTime.UtcNow));
            var (model, zip) = ArtefactWriter.Write(trained, outPath, path, y.Sum(), y.Count, best.Result);
            output.WriteLine($"Wrote {outPath}: {model.Version} ({model.Kind}, {learner}, {model.FeatureNames.Length} features), trained on all {rows.Count:N0} customers; ML.NET model kept at {zip}.");
        }
        return 0;
    }

    private static double StdDev(IReadOnlyList<double> v)
    {
        var m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / Math.Max(1, v.Count - 1));
    }
}
