using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Grains.Offers;

/// <summary>
/// Read-only copies of every offer's propensity model, refreshed from the offer model grains every
/// <see cref="RefreshInterval"/> in the background. Deciding reads these copies (immutable once published),
/// so it costs microseconds and never waits on a shared grain; learning lags by at most one refresh.
/// </summary>
public sealed class PropensityCache(IGrainFactory grains, ILogger<PropensityCache> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ContextualBandit> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The latest copy for an offer; a cold model (prior only) until the first refresh.</summary>
    public ContextualBandit ModelOf(string offerId)
    {
        if (_models.TryGetValue(offerId, out var m)) return m;
        _known.TryAdd(offerId, 0);
        return _models.GetOrAdd(offerId, _ => new ContextualBandit(OfferModelGrain.DefaultSettings));
    }

    /// <summary>Fetches fresh snapshots now (also used by tests instead of waiting for the timer).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        foreach (var offerId in _known.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var snapshot = await grains.GetGrain<OfferModelGrain>(offerId).InvokeAsync(static g => g.Snapshot()).ConfigureAwait(false);
            _models[offerId] = ContextualBandit.Restore(snapshot);
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
                logger.LogWarning(ex, "Refreshing offer propensity models failed; deciding keeps the previous copies.");
            }
        }
    }
}
