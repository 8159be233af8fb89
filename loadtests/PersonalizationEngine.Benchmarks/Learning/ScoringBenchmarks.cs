using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Learning.Bandits;
using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Benchmarks.Learning;

/// <summary>
/// What a customer grain pays per decision: a churn score (logistic or 300-tree GBT artefact over 45 named
/// features) and a bandit choice over 50 offers with a 29-dimensional context (the Open Bandit context size).
/// Synthetic models of the production shapes, so the benchmark needs no data files.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private const int _features = 45;
    private ChurnModel _logistic = null!;
    private ChurnModel _trees = null!;
    private Dictionary<string, double> _customer = null!;
    private ContextualBandit _linUcb = null!;
    private ContextualBandit _thompson = null!;
    private double[] _context = null!;
    private Random _random = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var names = Enumerable.Range(0, _features).Select(i => $"feature_{i}").ToArray();
        var x = Enumerable.Range(0, 3000).Select(_ => Enumerable.Range(0, _features).Select(_ => random.NextDouble()).ToArray()).ToArray();
        var y = x.Select(r => r[0] + r[1] * r[2] + 0.3 * random.NextDouble() > 1 ? 1 : 0).ToArray();
        _logistic = ChurnModel.FromLogistic(LogisticRegression.Fit(x, y), names, "bench-lr");
        _trees = ChurnModel.FromTrees(GradientBoostedTrees.Fit(x, y, new GbtOptions(Trees: 300, MaxDepth: 3)), names, StandardScaler.Fit(x), "bench-gbt");
        _customer = names.Take(40).ToDictionary(n => n, _ => random.NextDouble());
        _context = Enumerable.Range(0, 29).Select(i => i == 0 || random.Next(6) == 0 ? 1.0 : 0.0).ToArray();
        _linUcb = Trained(BanditAlgorithm.LinUcb, random);
        _thompson = Trained(BanditAlgorithm.LinearThompson, random);
        _random = new Random(2);
    }

    [Benchmark]
    public ChurnScore ChurnScoreLogistic() => _logistic.Score(_customer);

    [Benchmark]
    public ChurnScore ChurnScoreTrees300() => _trees.Score(_customer);

    [Benchmark]
    public BanditChoice LinUcbChoose50Offers() => _linUcb.Choose(_context, _random);

    [Benchmark]
    public BanditChoice LinearThompsonChoose50Offers() => _thompson.Choose(_context, _random);

    private ContextualBandit Trained(BanditAlgorithm algorithm, Random random)
    {
        var bandit = new ContextualBandit(new BanditSettings(algorithm, 50, _context.Length, Exploration: 0.1));
        for (var t = 0; t < 2000; t++)
        {
            var arm = random.Next(50);
            bandit.Update(arm, _context, random.NextDouble() < 0.01 * (arm % 5) ? 1 : 0);
        }

        return bandit;
    }
}
