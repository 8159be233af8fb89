using Microsoft.Extensions.Logging;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Grains.Offers;

/// <summary>Stored learning state and KPI counters of one offer (or of the control group).</summary>
public sealed class OfferModelState
{
    public BanditSnapshot? Model { get; set; }
    public OfferCounters Counters { get; set; } = new();
}

/// <summary>
/// The shared propensity model of one offer (one linear arm over <see cref="OfferContext"/>), learned online
/// from the outcomes customer grains report, plus its KPI counters. Customer grains never wait on it while
/// deciding: they read copies refreshed in the background (<see cref="PropensityCache"/>). The state is written
/// once about 100 counts have accumulated and when the activation leaves (idle, shutdown).
/// </summary>
[GrainType("offer-model")]
public sealed class OfferModelGrain(
    [PersistentState("offer-model", EngineGrainStorage.Name)] IPersistentState<OfferModelState> state,
    Decisioning.DecisioningCatalog catalog,
    ILogger<OfferModelGrain> logger) : Grain, IOfferModelGrain
{
    private ContextualBandit? _bandit;
    private int _sinceWrite;
    private bool _dirty;

    public static BanditSettings DefaultSettings { get; } = SettingsFor(OfferContext.Dimension);

    /// <summary>
    /// One ridge-regression arm over a context of <paramref name="dimension"/> values, prior mean 0.1 (a cold offer's
    /// estimate; exploration comes from its wide posterior, not from optimism).
    /// </summary>
    public static BanditSettings SettingsFor(int dimension) => new(BanditAlgorithm.LinearThompson, Arms: 1, dimension, Exploration: 0.5, PriorMean: 0.1, Ridge: 1.0);

    private OfferModelState State => state.State;

    private int Dimension => catalog.Encoder.Dimension;

    /// <summary>The stored model, or a new one when there is none or the configured context changed (learning starts again).</summary>
    private ContextualBandit Bandit => _bandit ??= State.Model is { } m && m.Settings.Dimension == Dimension
        ? ContextualBandit.Restore(m)
        : new ContextualBandit(SettingsFor(Dimension));

    public Task RecordDecisionsAsync(long count)
    {
        State.Counters.Decisions += count;
        return ChangedAsync(count);
    }

    public Task RecordLeadsAsync(long decisions, long explored)
    {
        State.Counters.Decisions += decisions;
        State.Counters.Explored += explored;
        return ChangedAsync(decisions);
    }

    public Task RecordAsync(OfferFeedback feedback) => RecordAndConfirmAsync(feedback);

    /// <summary>Counts a signal and, for outcomes, learns (click/accept = 1; reject/ignored = 0).</summary>
    public Task RecordAndConfirmAsync(OfferFeedback feedback)
    {
        var c = State.Counters;
        switch (feedback.Signal)
        {
            case OfferSignal.Impression: c.Impressions++; break;
            case OfferSignal.Click: c.Clicks++; break;
            case OfferSignal.Accept: c.Accepts++; break;
            case OfferSignal.Reject: c.Rejects++; break;
            case OfferSignal.Conversion: c.Conversions++; c.Revenue += feedback.Revenue; break;
            case OfferSignal.Ignored: c.Ignored++; break;
        }
        if (feedback.Context is { Length: var n } context && n == Dimension
            && feedback.Signal is OfferSignal.Click or OfferSignal.Accept or OfferSignal.Reject or OfferSignal.Ignored)
        {
            Bandit.Update(0, context, feedback.Signal is OfferSignal.Click or OfferSignal.Accept ? 1 : 0);
        }
        return ChangedAsync(1);
    }

    /// <summary>Marks the state dirty and writes it once about 100 counts have accumulated since the last write.</summary>
    private Task ChangedAsync(long counts)
    {
        _dirty = true;
        _sinceWrite += (int)Math.Min(counts, 100);
        if (_sinceWrite < 100) return Task.CompletedTask;
        _sinceWrite = 0;
        return WriteAsync();
    }

    private async Task WriteAsync()
    {
        State.Model = _bandit?.Snapshot() ?? State.Model;
        _dirty = false;
        try
        {
            await StoreCalls.Unwrapped(state.WriteStateAsync());
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_dirty) return;
        try
        {
            await WriteAsync();
        }
        catch (Exception ex)
        {
            GrainLog.WriteBackFailed(logger, ex, "offer-model", reason.ReasonCode.ToString());
        }
    }

    /// <summary>A copy of the current model and counters for the read side.</summary>
    public ValueTask<OfferModelSnapshot> SnapshotAsync()
    {
        return ValueTask.FromResult(new OfferModelSnapshot(Bandit.Snapshot(), State.Counters.Copy()));
    }
}
