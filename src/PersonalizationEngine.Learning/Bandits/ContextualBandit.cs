using PersonalizationEngine.Learning.Linear;

namespace PersonalizationEngine.Learning.Bandits;

/// <summary>
/// Disjoint linear bandits (one ridge model per arm, Li et al. 2010 §3.1) with three exploration rules — UCB,
/// Thompson sampling, ε-greedy — and the context-free Beta–Bernoulli Thompson baseline. Not thread-safe: the
/// owning grain's turn-based execution serialises calls.
/// </summary>
public sealed partial class ContextualBandit
{
    private readonly ArmState[] _arms;
    private readonly double[] _scratch;
    private long _updates;

    public ContextualBandit(BanditSettings settings)
    {
        Settings = settings;
        _arms = new ArmState[settings.Arms];
        var d = settings.Dimension;
        for (var a = 0; a < _arms.Length; a++)
        {
            var inverse = new double[d * d];
            for (var i = 0; i < d; i++)
            {
                inverse[i * d + i] = 1 / settings.Ridge;
            }

            _arms[a] = new ArmState(0, 0, new double[d], inverse);
        }

        _scratch = new double[d];
    }

    private ContextualBandit(BanditSnapshot snapshot)
    {
        Settings = snapshot.Settings;
        _arms = snapshot.Arms.Select(Copy).ToArray();
        _updates = snapshot.Updates;
        _scratch = new double[Settings.Dimension];
    }

    public BanditSettings Settings { get; }

    public long Updates => _updates;

    public static ContextualBandit Restore(BanditSnapshot snapshot) => new(snapshot);

    /// <summary>A deep copy, so the snapshot can be shipped while this instance keeps learning.</summary>
    public BanditSnapshot Snapshot() => new(Settings, _arms.Select(Copy).ToArray(), _updates);

    /// <summary>
    /// Picks an arm among <paramref name="eligible"/> (all arms when null). With probability ControlShare the
    /// pick is uniformly random and flagged as control, to measure uplift against no learning.
    /// </summary>
    public BanditChoice Choose(ReadOnlySpan<double> context, Random random, IReadOnlyList<int>? eligible = null)
    {
        CheckDimension(context);
        var count = eligible?.Count ?? _arms.Length;
        if (count == 0)
        {
            throw new ArgumentException("No eligible arm.", nameof(eligible));
        }

        if (Settings.ControlShare > 0 && random.NextDouble() < Settings.ControlShare)
        {
            var arm = eligible?[random.Next(count)] ?? random.Next(count);
            return new BanditChoice(arm, Propensity(arm, context), IsControl: true);
        }

        var explore = Settings.Algorithm == BanditAlgorithm.EpsilonGreedy && random.NextDouble() < Settings.Exploration;
        var best = -1;
        var bestScore = double.NegativeInfinity;
        var ties = 0;
        for (var k = 0; k < count; k++)
        {
            var arm = eligible?[k] ?? k;
            var score = explore ? random.NextDouble() : Index(arm, context, random);
            if (score > bestScore + 1e-12)
            {
                best = arm;
                bestScore = score;
                ties = 1;
            }
            else if (Math.Abs(score - bestScore) <= 1e-12 && random.Next(++ties) == 0)
            {
                // Reservoir tie-breaking: at cold start every arm ties, so the first picks are uniform.
                best = arm;
            }
        }

        return new BanditChoice(best, Propensity(best, context), IsControl: false);
    }

    /// <summary>Posterior-mean reward estimate for an arm: PriorMean + θ·x (Beta mean for the context-free baseline).</summary>
    public double Propensity(int arm, ReadOnlySpan<double> context)
    {
        var state = _arms[arm];
        if (Settings.Algorithm == BanditAlgorithm.BetaBernoulliThompson)
        {
            return (1 + state.RewardSum) / (2 + state.Pulls);
        }

        // θ·x = bᵀ A⁻¹ x (A⁻¹ symmetric), summed in place so that scoring allocates nothing.
        var d = Settings.Dimension;
        double s = 0;
        for (var i = 0; i < d; i++)
        {
            if (state.B[i] != 0)
            {
                s += state.B[i] * DenseMath.Dot(state.AInverse.AsSpan(i * d, d), context);
            }
        }

        return Settings.PriorMean + s;
    }

    /// <summary>Records a reward (e.g. click = 1) for an arm shown in a context: Sherman–Morrison rank-one update of A⁻¹.</summary>
    public void Update(int arm, ReadOnlySpan<double> context, double reward)
    {
        CheckDimension(context);
        if (!double.IsFinite(reward))
        {
            throw new ArgumentOutOfRangeException(nameof(reward), "Reward must be a finite number.");
        }

        var state = _arms[arm];
        var d = Settings.Dimension;
        var inverse = state.AInverse;
        var ax = _scratch;
        for (var i = 0; i < d; i++)
        {
            ax[i] = DenseMath.Dot(inverse.AsSpan(i * d, d), context);
        }

        var denominator = 1 + DenseMath.Dot(ax, context);
        for (var i = 0; i < d; i++)
        {
            var scale = ax[i] / denominator;
            var row = inverse.AsSpan(i * d, d);
            for (var j = 0; j < d; j++)
            {
                row[j] -= scale * ax[j];
            }
        }

        var residual = reward - Settings.PriorMean;
        for (var i = 0; i < d; i++)
        {
            state.B[i] += residual * context[i];
        }

        _arms[arm] = state with { Pulls = state.Pulls + 1, RewardSum = state.RewardSum + reward };
        _updates++;
    }

    /// <summary>xᵀ A⁻¹ x: the posterior variance factor of the arm's estimate in this context.</summary>
    public double Uncertainty(int arm, ReadOnlySpan<double> context)
    {
        var d = Settings.Dimension;
        var inverse = _arms[arm].AInverse;
        double s = 0;
        for (var i = 0; i < d; i++)
        {
            s += context[i] * DenseMath.Dot(inverse.AsSpan(i * d, d), context);
        }

        return Math.Max(s, 0);
    }

    private void CheckDimension(ReadOnlySpan<double> context)
    {
        if (context.Length != Settings.Dimension)
        {
            throw new ArgumentException($"Context has {context.Length} values; the model expects {Settings.Dimension}.", nameof(context));
        }
    }

    private static ArmState Copy(ArmState s) => new(s.Pulls, s.RewardSum, [.. s.B], [.. s.AInverse]);
}
