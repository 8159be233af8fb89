using PersonalizationEngine.Actors;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Grains.Offers;

/// <summary>Stored learning state and KPI counters of one offer (or of the control group).</summary>
public sealed class OfferModelState
{
    public BanditSnapshot? Model { get; set; }
    public OfferCounters Counters { get; set; } = new();
}

/// <summary>What a customer grain reports about an offer.</summary>
public enum OfferSignal
{
    Impression,
    Click,
    Accept,
    Reject,
    /// <summary>Shown, and no click or acceptance within the feedback window.</summary>
    Ignored,
    Conversion,
}

/// <summary>A read-side copy: the model and the counters at the last refresh.</summary>
public sealed record OfferModelSnapshot(BanditSnapshot Model, OfferCounters Counters);

/// <summary>
/// The shared propensity model of one offer (one linear arm over <see cref="OfferContext"/>), learned online
/// from the outcomes customer grains report, plus its KPI counters. Customer grains never wait on it while
/// deciding: they read copies refreshed in the background (<see cref="PropensityCache"/>).
/// </summary>
[GrainType("offer-model")]
public sealed class OfferModelGrain : Grain<OfferModelState>
{
    /// <summary>The key under which the control group's counters are kept.</summary>
    public const string ControlKey = "__control__";

    private ContextualBandit? _bandit;
    private int _sinceWrite;

    public static BanditSettings DefaultSettings { get; } = new(BanditAlgorithm.LinUcb, Arms: 1, OfferContext.Dimension, Exploration: 0.5, PriorMean: 0.1, Ridge: 1.0);

    private ContextualBandit Bandit => _bandit ??= State.Model is { } m && m.Settings.Dimension == OfferContext.Dimension
        ? ContextualBandit.Restore(m)
        : new ContextualBandit(DefaultSettings);

    /// <summary>Decisions counted by the deciding side since its last hand-over (<see cref="PropensityCache.NoteDecision"/>).</summary>
    public Task RecordDecisionsAsync(long count)
    {
        State.Counters.Decisions += count;
        return ChangedAsync(count);
    }

    /// <summary>Counts a signal and, for outcomes, learns (click/accept = 1; reject/ignored = 0).</summary>
    public Task RecordAsync(OfferSignal signal, double[]? context, decimal revenue)
    {
        var c = State.Counters;
        switch (signal)
        {
            case OfferSignal.Impression: c.Impressions++; break;
            case OfferSignal.Click: c.Clicks++; break;
            case OfferSignal.Accept: c.Accepts++; break;
            case OfferSignal.Reject: c.Rejects++; break;
            case OfferSignal.Conversion: c.Conversions++; c.Revenue += revenue; break;
        }
        if (context is { Length: var n } && n == OfferContext.Dimension && signal is OfferSignal.Click or OfferSignal.Accept or OfferSignal.Reject or OfferSignal.Ignored)
        {
            Bandit.Update(0, context, signal is OfferSignal.Click or OfferSignal.Accept ? 1 : 0);
        }
        return ChangedAsync(1);
    }

    /// <summary>Marks the state dirty and writes it once about 100 counts have accumulated since the last write.</summary>
    private async Task ChangedAsync(long counts)
    {
        MarkDirty();
        _sinceWrite += (int)Math.Min(counts, 100);
        if (_sinceWrite >= 100)
        {
            _sinceWrite = 0;
            await WriteStateAsync().ConfigureAwait(false);
        }
    }

    protected override void OnWritingState() => State.Model = _bandit?.Snapshot() ?? State.Model;

    /// <summary>A copy of the current model and counters for the read side.</summary>
    public OfferModelSnapshot Snapshot()
    {
        var c = State.Counters;
        return new OfferModelSnapshot(Bandit.Snapshot(), new OfferCounters
        {
            Decisions = c.Decisions, Impressions = c.Impressions, Clicks = c.Clicks, Accepts = c.Accepts,
            Rejects = c.Rejects, Conversions = c.Conversions, Revenue = c.Revenue,
        });
    }
}
