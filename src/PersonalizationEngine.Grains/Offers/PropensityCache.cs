using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Grains.Offers;

/// <summary>
/// Read-only copies of every offer's propensity model and counters, refreshed from the offer model grains
/// every <see cref="RefreshInterval"/> in the background. Deciding reads these copies (immutable once
/// published), so it costs microseconds and never waits on a shared grain; learning lags by one refresh.
/// </summary>
public sealed class PropensityCache : BackgroundService
{
    private readonly ConcurrentDictionary<string, (ContextualBandit Model, OfferCounters Counters)> _copies = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Leads> _decisions = new(StringComparer.Ordinal);
    private readonly IGrainFactory grains;
    private readonly Decisioning.DecisioningCatalog catalog;
    private readonly ILogger<PropensityCache> logger;
    private readonly ContextualBandit _cold;

    public PropensityCache(IGrainFactory grains, Decisioning.DecisioningCatalog catalog, ILogger<PropensityCache> logger, LearningMetrics? metrics = null)
    {
        this.grains = grains;
        this.catalog = catalog;
        this.logger = logger;
        _cold = new ContextualBandit(OfferModelGrain.SettingsFor(catalog.Encoder.Dimension));
        Metrics = metrics ?? new LearningMetrics();
        Metrics.Observe(() => catalog.CompiledOffers.Select(o => (o.OfferId, CountersOf(o.OfferId))));
    }

    /// <summary>Decisions led per offer and how many explored, counted between hand-overs.</summary>
    private sealed class Leads
    {
        public long Decisions;
        public long Explored;
    }

    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The learning metrics (rewards pending, exploration) this node exports.</summary>
    public LearningMetrics Metrics { get; }

    /// <summary>The latest copy of an offer's model, or a cold one (never tried: the widest posterior).</summary>
    public ContextualBandit ModelOf(string offerId) => _copies.TryGetValue(offerId, out var c) && c.Model.Settings.Dimension == _cold.Settings.Dimension ? c.Model : _cold;

    public OfferCounters CountersOf(string offerId) => _copies.TryGetValue(offerId, out var c) ? c.Counters : new OfferCounters();

    /// <summary>
    /// Counts a decision that led with <paramref name="offerId"/> (or the control group). Decisions are counted
    /// here and handed to the offer's grain in one call per refresh, so a decision costs an atomic increment
    /// instead of a message to a shared grain. A crash loses at most one refresh interval of decision counts
    /// (feedback and conversions are not counted this way).
    /// </summary>
    public void NoteDecision(string offerId, bool explored = false)
    {
        var leads = _decisions.GetOrAdd(offerId, static _ => new Leads());
        Interlocked.Increment(ref leads.Decisions);
        if (explored)
        {
            Interlocked.Increment(ref leads.Explored);
            Metrics.NoteExplored();
        }
    }

    /// <summary>Hands the decision counts gathered since the last call to the offers' grains.</summary>
    public async Task FlushDecisionsAsync()
    {
        foreach (var (offerId, leads) in _decisions)
        {
            var n = Interlocked.Exchange(ref leads.Decisions, 0);
            var explored = Interlocked.Exchange(ref leads.Explored, 0);
            if (n == 0 && explored == 0) continue;
            try
            {
                await grains.GetGrain<IOfferModelGrain>(offerId).RecordLeadsAsync(n, explored).ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Add(ref leads.Decisions, n); // kept for the next flush
                Interlocked.Add(ref leads.Explored, explored);
                throw;
            }
        }
    }

    /// <summary>Hands over the decision counts, then fetches fresh copies for every offer in the catalogue and the control group.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await FlushDecisionsAsync().ConfigureAwait(false);
        foreach (var offerId in catalog.CompiledOffers.Select(o => o.OfferId).Append(IOfferModelGrain.ControlKey))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var s = await grains.GetGrain<IOfferModelGrain>(offerId).SnapshotAsync().ConfigureAwait(false);
            _copies[offerId] = (ContextualBandit.Restore(s.Model), s.Counters);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Hosting.GrainLog.OfferRefreshFailed(logger, ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushDecisionsAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Hosting.GrainLog.DecisionCountsLost(logger, ex);
        }
    }
}
