using PersonalizationEngine.Actors;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Grains.Offers;

/// <summary>Stored learning state of one offer.</summary>
public sealed class OfferModelState
{
    public BanditSnapshot? Model { get; set; }
}

/// <summary>
/// The shared propensity model of one offer (one linear arm over <see cref="OfferContext"/>), learned online
/// from rewards the customer grains report. Customer grains never call it while deciding: they read a snapshot
/// refreshed in the background (<see cref="PropensityCache"/>), so a decision never waits on this grain.
/// </summary>
[GrainType("offer-model")]
public sealed class OfferModelGrain : Grain<OfferModelState>
{
    private ContextualBandit? _bandit;
    private int _sinceWrite;

    public static BanditSettings DefaultSettings { get; } = new(BanditAlgorithm.LinUcb, Arms: 1, OfferContext.Dimension, Exploration: 0.5, PriorMean: 0.1, Ridge: 1.0);

    private ContextualBandit Bandit => _bandit ??= State.Model is { } m && m.Settings.Dimension == OfferContext.Dimension
        ? ContextualBandit.Restore(m)
        : new ContextualBandit(DefaultSettings);

    /// <summary>Learns from one outcome (1 = clicked/accepted, 0 = shown and ignored or rejected).</summary>
    public async Task RewardAsync(double[] context, double reward)
    {
        if (context.Length != OfferContext.Dimension) return;
        Bandit.Update(0, context, reward);
        MarkDirty();
        if (++_sinceWrite >= 50)
        {
            _sinceWrite = 0;
            await WriteStateAsync().ConfigureAwait(false);
        }
    }

    protected override void OnWritingState() => State.Model = _bandit?.Snapshot() ?? State.Model;

    /// <summary>A copy of the current model for the read-side cache.</summary>
    public BanditSnapshot Snapshot() => Bandit.Snapshot();
}
