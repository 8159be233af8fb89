using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Actors;
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

    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    public ContextualBandit ModelOf(string offerId) => _copies.TryGetValue(offerId, out var c) ? c.Model : Cold;

    public OfferCounters CountersOf(string offerId) => _copies.TryGetValue(offerId, out var c) ? c.Counters : new OfferCounters();

    /// <summary>Fetches fresh copies for every offer in the catalogue and the control group now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        foreach (var offerId in catalog.CompiledOffers.Select(o => o.OfferId).Append(OfferModelGrain.ControlKey))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var s = await grains.GetGrain<OfferModelGrain>(offerId).InvokeAsync(static g => g.Snapshot()).ConfigureAwait(false);
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
                logger.LogWarning(ex, "Refreshing offer models failed; deciding keeps the previous copies.");
            }
        }
    }
}
