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
public sealed class PropensityCache(IGrainFactory grains, Decisioning.DecisioningCatalog catalog, ILogger<PropensityCache> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, (ContextualBandit Model, OfferCounters Counters)> _copies = new(StringComparer.Ordinal);
    private static readonly ContextualBandit Cold = new(OfferModelGrain.DefaultSettings);

    private readonly ConcurrentDictionary<string, System.Runtime.CompilerServices.StrongBox<long>> _decisions = new(StringComparer.Ordinal);

    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    public ContextualBandit ModelOf(string offerId) => _copies.TryGetValue(offerId, out var c) ? c.Model : Cold;

    public OfferCounters CountersOf(string offerId) => _copies.TryGetValue(offerId, out var c) ? c.Counters : new OfferCounters();

    /// <summary>
    /// Counts a decision that led with <paramref name="offerId"/> (or the control group). Decisions are counted
    /// here and handed to the offer's grain in one call per refresh, so a decision costs an atomic increment
    /// instead of a message to a shared grain. A crash loses at most one refresh interval of decision counts
    /// (feedback and conversions are not counted this way).
    /// </summary>
    public void NoteDecision(string offerId) =>
        Interlocked.Increment(ref _decisions.GetOrAdd(offerId, static _ => new System.Runtime.CompilerServices.StrongBox<long>()).Value);

    /// <summary>Hands the decision counts gathered since the last call to the offers' grains.</summary>
    public async Task FlushDecisionsAsync()
    {
        foreach (var (offerId, box) in _decisions)
        {
            var n = Interlocked.Exchange(ref box.Value, 0);
            if (n == 0) continue;
            try
            {
                await grains.GetGrain<IOfferModelGrain>(offerId).RecordDecisionsAsync(n).ConfigureAwait(false);
            }
            catch
            {
                Interlocked.Add(ref box.Value, n); // kept for the next flush
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
