using System.Diagnostics.Metrics;
using PersonalizationEngine.Domain.Decisioning;

namespace PersonalizationEngine.Grains.Offers;

/// <summary>
/// Learning figures on <c>/metrics</c> (meter <c>PersonalizationEngine.Learning</c>): rewards waiting in this node's
/// customer grains, decisions taken to explore, and the exploration share overall and per offer (from the offers'
/// counters, so the same on every node). Decisions per second are the dashboard's <c>pe_decisions_per_second</c>.
/// </summary>
public sealed class LearningMetrics : IDisposable
{
    private readonly Meter _meter;
    private long _rewardsPending;
    private long _explored;
    private Func<IEnumerable<(string OfferId, OfferCounters Counters)>>? _offers;

    public LearningMetrics(IMeterFactory? meters = null)
    {
        // A meter per host (IMeterFactory) when there is one, so test hosts never share callbacks.
        _meter = meters?.Create("PersonalizationEngine.Learning") ?? new Meter("PersonalizationEngine.Learning");
        _meter.CreateObservableGauge("pe_rewards_pending", () => Interlocked.Read(ref _rewardsPending), "{impressions}",
            "Shown offers waiting for a click or acceptance in this node's customer grains (each becomes reward 0 when its wait ends).");
        _meter.CreateObservableCounter("pe_decisions_explored", () => Interlocked.Read(ref _explored), "{decisions}",
            "Decisions on this node whose lead offer was not the one the estimates alone would have led with.");
        _meter.CreateObservableGauge("pe_exploration_share", () => Share(_offers?.Invoke().Select(o => o.Counters) ?? []), "1",
            "Share of all decisions that explored (every offer's counters).");
        _meter.CreateObservableGauge("pe_offer_exploration_share", () => (_offers?.Invoke() ?? []).Select(o =>
            new Measurement<double>(OfferKpis.ExplorationShare(o.Counters), new KeyValuePair<string, object?>("offer", o.OfferId))), "1",
            "Share of the decisions an offer led that explored, by offer.");
        _meter.CreateObservableCounter("pe_rewards_ignored", () => (_offers?.Invoke() ?? []).Select(o =>
            new Measurement<long>(o.Counters.Ignored, new KeyValuePair<string, object?>("offer", o.OfferId))), "{impressions}",
            "Impressions that got no answer within the reward wait and taught reward 0, by offer.");
    }

    /// <summary>Shown offers waiting for their reward in this node's memory.</summary>
    public long RewardsPending => Interlocked.Read(ref _rewardsPending);

    public void AddPendingRewards(int delta)
    {
        if (delta != 0) Interlocked.Add(ref _rewardsPending, delta);
    }

    public void NoteExplored() => Interlocked.Increment(ref _explored);

    /// <summary>Where the per-offer counters come from (the propensity cache's copies).</summary>
    public void Observe(Func<IEnumerable<(string OfferId, OfferCounters Counters)>> offers) => _offers = offers;

    private static double Share(IEnumerable<OfferCounters> counters)
    {
        long decisions = 0, explored = 0;
        foreach (var c in counters)
        {
            decisions += c.Decisions;
            explored += c.Explored;
        }
        return decisions > 0 ? (double)explored / decisions : 0;
    }

    public void Dispose() => _meter.Dispose();
}
