using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Benchmarks.Learning;

/// <summary>
/// In-grain churn scoring of ML.NET-trained models exported to the engine's artefact (issue 18): the Telco
/// file's FastTree (8 leaves, 200 trees) and logistic regression, scored on 1,000 distinct real customers (named
/// feature dictionaries, as the grain's feature view hands them over), one call per customer. Reported per
/// customer (OperationsPerInvoke). Tree reasons are exact TreeSHAP; the same trees without node cover (an
/// artefact exported before TreeSHAP) show the Saabas attribution they replace. For comparison, ML.NET's own
/// single-row PredictionEngine on the same rows.
/// </summary>
[MemoryDiagnoser]
public class ChurnScoringBenchmarks
{
    private const int Customers = 1000;
    private ChurnModel _trees = null!;
    private ChurnModel _treesWithoutCover = null!;
    private ChurnModel _logistic = null!;
    private Dictionary<string, double>[] _rows = null!;
    private double[][] _dense = null!;
    private Func<double[], float> _predictionEngine = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (data, labels, inputs) = TelcoChurn.Load(FindTelco(), engineerFeatures: true);
        var encoder = TabularEncoder.Fit(data, inputs);
        var x = encoder.Transform(data);
        string[] names = [.. encoder.FeatureNames];
        var date = new DateOnly(2026, 12, 1);
        var trees = ChurnTrainer.Fit(x, labels, names, new FastTreeLearner(Leaves: 8, Trees: 200), date, descriptions: ChurnFeatureDescriptions.Telco);
        _trees = ChurnModel.FromJson(trees.Artefact.ToJson());
        // The same trees without node cover, as artefacts exported before TreeSHAP: reasons by Saabas attribution.
        _treesWithoutCover = ChurnModel.FromJson((_trees with { Trees = [.. _trees.Trees!.Select(t => t with { Cover = null })] }).ToJson());
        _logistic = ChurnModel.FromJson(ChurnTrainer.Fit(x, labels, names, new LogisticLearner(), date).Artefact.ToJson());
        // Every 7th customer: 1,000 distinct inputs spread over the file, so branches and caches vary.
        _dense = [.. Enumerable.Range(0, Customers).Select(i => x[i * 7])];
        _rows = [.. _dense.Select(r => names.Select((n, j) => (n, j)).ToDictionary(t => t.n, t => r[t.j]))];
        _predictionEngine = trees.CreatePredictionEngine();
    }

    [Benchmark(OperationsPerInvoke = Customers, Description = "FastTree 200x8: score + 3 TreeSHAP reasons in words")]
    public double TreesScore()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            // Reading the reasons runs the (deferred) TreeSHAP attribution.
            var score = _trees.Score(row);
            sum += score.Probability + score.TopReasons.Count;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Customers, Description = "FastTree 200x8: score, reasons not read (the grain's re-score)")]
    public double TreesScoreReasonsDeferred()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            sum += _trees.Score(row).Probability;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Customers, Description = "FastTree 200x8, no cover: score + 3 Saabas reasons in words")]
    public double TreesScoreSaabas()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            var score = _treesWithoutCover.Score(row);
            sum += score.Probability + score.TopReasons.Count;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Customers, Description = "FastTree 200x8: probability only")]
    public double TreesProbability()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            sum += _trees.PredictProbability(row);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Customers, Description = "FastTree 200x8: probability, dense row (no name lookups)")]
    public double TreesProbabilityDense()
    {
        double sum = 0;
        foreach (var row in _dense)
        {
            sum += _trees.PredictProbability(row);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Customers, Description = "logistic regression: score + 3 reasons in words")]
    public double LogisticScore()
    {
        double sum = 0;
        foreach (var row in _rows)
        {
            sum += _logistic.Score(row).Probability;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Customers, Description = "ML.NET PredictionEngine, same FastTree (comparison)")]
    public double MlNetPredictionEngine()
    {
        double sum = 0;
        foreach (var row in _dense)
        {
            sum += _predictionEngine(row);
        }

        return sum;
    }

    private static string FindTelco()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "datasets", "telco-customer-churn.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("shared/datasets/telco-customer-churn.csv not found above " + AppContext.BaseDirectory);
    }
}
