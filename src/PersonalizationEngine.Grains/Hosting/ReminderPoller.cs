using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>
/// Durable per-customer reminders (the daily churn re-score) from the engine's reminder table: a bounded poll of the
/// earliest due entries (an indexed query), each moved to its next due time first, then delivered to its grain
/// (activating it if needed). Orleans' own reminder service keeps every reminder of its range in memory with a timer
/// each and ticks at most once a minute; with one reminder per customer that is millions of timers for customers who
/// are not even in memory, so the engine keeps this poller (docs/actors.md).
/// </summary>
public sealed class ReminderPoller(IStorageProvider storage, IGrainFactory grains, ActivationCounter counter, TimeProvider time, ILogger<ReminderPoller> logger) : BackgroundService
{
    private int _polling;

    /// <summary>One poll: returns how many reminders were delivered.</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken = default)
    {
        // One poll at a time: a slow poll must not let the next tick deliver the same reminders again.
        if (Interlocked.CompareExchange(ref _polling, 1, 0) != 0) return 0;
        try
        {
            var now = time.GetUtcNow();
            var due = await storage.Reminders.ReadDueAsync(now, counter.Options.MaxRemindersPerPoll, cancellationToken).ConfigureAwait(false);
            if (due.Count == 0) return 0;
            // Claim first, deliver second: a crash in between loses one tick rather than repeating it forever. The claim
            // is a compare-and-set on the due time, so when every node of a cluster polls, each tick is delivered once.
            var claims = new Task<bool>[due.Count];
            for (var i = 0; i < due.Count; i++)
            {
                var r = due[i];
                DateTimeOffset? next = r.Period > TimeSpan.Zero ? r.DueAt + (r.Period * ((long)((now - r.DueAt).Ticks / r.Period.Ticks) + 1)) : null;
                claims[i] = storage.Reminders.TryClaimAsync(r, next, cancellationToken);
            }
            var claimed = await Task.WhenAll(claims).ConfigureAwait(false);
            var deliveries = new List<Task>(due.Count);
            for (var i = 0; i < due.Count; i++)
            {
                if (claimed[i]) deliveries.Add(DeliverAsync(due[i]));
            }
            await Task.WhenAll(deliveries).ConfigureAwait(false);
            return due.Count;
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private async Task DeliverAsync(ReminderEntry r)
    {
        try
        {
            if (r.GrainType == CustomerGrain.TypeName)
            {
                await grains.GetGrain<ICustomerGrain>(r.Key).ReceiveReminderAsync(r.Name).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            GrainLog.ReminderDeliveryFailed(logger, ex, r.GrainType, r.Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!counter.Options.BackgroundHousekeeping) return;
        using var timer = new PeriodicTimer(counter.Options.ReminderPollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                while (await PollAsync(stoppingToken).ConfigureAwait(false) >= counter.Options.MaxRemindersPerPoll)
                {
                    // A full page: more are due; keep going before waiting for the next tick.
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                GrainLog.ReminderPollFailed(logger, ex);
            }
        }
    }
}
