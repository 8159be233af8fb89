using BenchmarkDotNet.Attributes;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Benchmarks.Learning;

/// <summary>
/// What a customer grain pays per decision for a bandit choice over 50 offers with a 29-dimensional context
/// (the Open Bandit context size), on synthetic models. Churn scoring moved to <see cref="ChurnScoringBenchmarks"/>
/// (ML.NET-trained models on 1,000 distinct inputs).
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private ContextualBandit _linUcb = null!;
    private ContextualBandit _thompson = null!;
    private double[] _context = null!;
    private Random _random = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _context = Enumerable.Range(0, 29).Select(i => i == 0 || random.Next(6) == 0 ? 1.0 : 0.0).ToArray();
        _linUcb = Trained(BanditAlgorithm.LinUcb, random);
        _thompson = Trained(BanditAlgorithm.LinearThompson, random);
        _random = new Random(2);
    }

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
