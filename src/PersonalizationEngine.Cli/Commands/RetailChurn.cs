using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using PersonalizationEngine.Domain.Datasets;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Grains.Replay;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// <c>pe churn retail</c>: churn on the Online Retail file. Label: no purchase in the last 90 days of the data.
/// Features: the events before that cutoff replayed through the grains (the code that serves live), read as of
/// the cutoff. Stratified k-fold CV of logistic regression and gradient-boosted trees against a recency-only
/// baseline; optionally writes a model trained on every customer.
/// </summary>
internal static class RetailChurn
{
    /// <summary>Features the model may use: behaviour, not bookkeeping (dq_*), not per-key affinities, not its own output.</summary>
    internal static bool Usable(string name) =>
        !name.StartsWith("dq_", StringComparison.Ordinal) && !name.Contains('.', StringComparison.Ordinal) && name != "churn_probability";

    internal static IEnumerable<RetailLine> Read(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        reader.ReadLine();
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            if (OnlineRetailParser.ParseLine(text) is { } line) yield return line;
        }
    }

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

        var date = DateOnly.FromDateTime(DateTime.UtcNow);
        var results = new List<(string Name, double[] Aucs, double[] OutOfFold)>();
        double[] Evaluate(string name, Func<IReadOnlyList<IReadOnlyDictionary<string, double>>, IReadOnlyList<int>, Func<IReadOnlyDictionary<string, double>, double>> fit)
        {
            var aucs = new List<double>();
            var oof = new double[rows.Count];
            foreach (var fold in StratifiedKFold.Split(y, folds, seed))
            {
                var predict = fit(fold.TrainIndices.Select(i => rows[i]).ToList(), fold.TrainIndices.Select(i => y[i]).ToList());
                var p = fold.TestIndices.Select(i => predict(rows[i])).ToArray();
                for (var k = 0; k < p.Length; k++) oof[fold.TestIndices[k]] = p[k];
                aucs.Add(Metrics.RocAuc(p, fold.TestIndices.Select(i => y[i]).ToList()));
            }
            output.WriteLine($"  {name,-44} ROC AUC {aucs.Average():F4} ± {StdDev(aucs):F4}   PR AUC {Metrics.AveragePrecision(oof, y):F4}");
            results.Add((name, aucs.ToArray(), oof));
            return oof;
        }

        output.WriteLine();
        output.WriteLine($"Stratified {folds}-fold CV (seed {seed}); scaling and fill values fitted inside each fold:");
        Evaluate("recency only (score = recency_days)", (_, _) => f => f.TryGetValue("recency_days", out var r) ? r : 1e6);
        Evaluate("recency only (logistic regression)", (x, yy) =>
        {
            var m = ChurnModelTrainer.Train(x.Select(r => (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["recency_days"] = r.GetValueOrDefault("recency_days", 1e6) }).ToList(), yy, ChurnModelKind.LogisticRegression, date);
            return f => m.Score(f).Probability;
        });
        Evaluate("all grain features, logistic regression", (x, yy) =>
        {
            var m = ChurnModelTrainer.Train(x, yy, ChurnModelKind.LogisticRegression, date);
            return f => m.Score(f).Probability;
        });
        Evaluate("all grain features, gradient-boosted trees", (x, yy) =>
        {
            var m = ChurnModelTrainer.Train(x, yy, ChurnModelKind.GradientBoostedTrees, date, trees: ChurnPipelines.Trees);
            return f => m.Score(f).Probability;
        });

        var baseline = results[0].Aucs.Average();
        var best = results.Skip(2).MaxBy(r => r.Aucs.Average());
        output.WriteLine();
        output.WriteLine($"Best: {best.Name}, ROC AUC {best.Aucs.Average():F4} vs recency-only {baseline:F4}: {(best.Aucs.Average() - baseline >= 0 ? "+" : "")}{best.Aucs.Average() - baseline:F4} (goal +0.05)");

        if (outPath is not null)
        {
            var kind = best.Name.Contains("trees", StringComparison.Ordinal) ? ChurnModelKind.GradientBoostedTrees : ChurnModelKind.LogisticRegression;
            var model = ChurnModelTrainer.Train(rows, y, kind, date, trees: ChurnPipelines.Trees);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            model.Save(outPath);
            output.WriteLine($"Wrote {outPath}: {model.Version} ({model.Kind}, {model.FeatureNames.Length} features), trained on all {rows.Count:N0} customers.");
        }
        return 0;
    }

    private static double StdDev(IReadOnlyList<double> v)
    {
        var m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / Math.Max(1, v.Count - 1));
    }
}
