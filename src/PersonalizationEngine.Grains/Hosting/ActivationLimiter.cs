using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>
/// Bounded memory by activation count, on Orleans' own collection seam: above <see cref="ActorOptions.MaxActivations"/>
/// customers it asks the silo to collect activations idle for longer than an age limit
/// (<c>IManagementGrain.ForceActivationCollection</c>), halving the limit until the count is back under the cap, so the
/// least recently used go first. Each collected customer writes its dirty state back in <c>OnDeactivateAsync</c>.
/// Orleans' memory-pressure shedding can be switched on as well (<see cref="ActorOptions.ShedOnMemoryPressure"/>).
/// </summary>
public sealed class ActivationLimiter(IGrainFactory grains, ActivationCounter counter, TimeProvider time, ILogger<ActivationLimiter> logger) : BackgroundService
{
    /// <summary>One shedding pass; returns how many customer activations left.</summary>
    public async Task<long> ShedAsync(CancellationToken cancellationToken = default)
    {
        var options = counter.Options;
        var before = counter.Count;
        if (before <= options.MaxActivations) return 0;
        var management = grains.GetGrain<IManagementGrain>(0);
        var age = options.IdleTimeout;
        while (counter.Count > options.MaxActivations && !cancellationToken.IsCancellationRequested)
        {
            age = age / 2 < TimeSpan.FromMilliseconds(1) ? TimeSpan.Zero : age / 2;
            GrainLog.Shedding(logger, counter.Count, options.MaxActivations, age);
            await management.ForceActivationCollection(age).ConfigureAwait(false);
            if (age == TimeSpan.Zero) break;
        }
        return before - counter.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!counter.Options.BackgroundHousekeeping) return;
        using var timer = new PeriodicTimer(counter.Options.ShedInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await ShedAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                GrainLog.SheddingFailed(logger, ex);
            }
        }
    }
}
