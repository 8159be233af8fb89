using Orleans.Concurrency;

namespace PersonalizationEngine.Contracts;

/// <summary>
/// The shared propensity model and KPI counters of one offer (or of the control group, <see cref="ControlKey"/>).
/// Customer grains tell it outcomes without waiting; deciding reads copies refreshed in the background.
/// </summary>
[Alias("pe.IOfferModelGrain")]
public interface IOfferModelGrain : IGrainWithStringKey
{
    /// <summary>The key under which the control group's counters are kept.</summary>
    public const string ControlKey = "__control__";

    /// <summary>Decisions counted by a deciding node since its last hand-over.</summary>
    [Alias("decisions")]
    Task RecordDecisionsAsync(long count);

    /// <summary>Decisions this offer led since the node's last hand-over, and how many of them explored.</summary>
    [Alias("leads")]
    Task RecordLeadsAsync(long decisions, long explored);

    /// <summary>Counts a signal and, for outcomes with a context, learns. One-way: a decision or an ingest never waits on it.</summary>
    [OneWay, Alias("record")]
    Task RecordAsync(OfferFeedback feedback);

    /// <summary>Counts and learns, and answers once done (tests, imports).</summary>
    [Alias("record-ack")]
    Task RecordAndConfirmAsync(OfferFeedback feedback);

    [Alias("snapshot")]
    ValueTask<OfferModelSnapshot> SnapshotAsync();
}
