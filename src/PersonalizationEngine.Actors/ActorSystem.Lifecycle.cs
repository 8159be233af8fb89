using PersonalizationEngine.Actors.Runtime;

namespace PersonalizationEngine.Actors;

public sealed partial class ActorSystem
{
    private ITimer? _collectionTimer;
    private ITimer? _reminderTimer;
    private Task? _stopTask;

    /// <summary>Starts collection and reminder polling (unless <see cref="ActorSystemOptions.BackgroundHousekeeping"/> is off).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (IsStopping)
        {
            throw new ActorSystemStoppingException("A stopped actor system cannot be restarted; build a new one.");
        }

        _lastWriteBehind = Time.GetTimestamp();
        if (Options.BackgroundHousekeeping)
        {
            _collectionTimer ??= Time.CreateTimer(static s => ((ActorSystem)s!).OnCollectionTimer(), this, Options.CollectionInterval, Options.CollectionInterval);
            _reminderTimer ??= Time.CreateTimer(static s => ((ActorSystem)s!).OnReminderTimer(), this, TimeSpan.Zero, Options.ReminderPollInterval);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Graceful stop: new calls fail with <see cref="ActorSystemStoppingException"/>, queued messages drain
    /// (up to <see cref="ActorSystemOptions.ShutdownTimeout"/>), every activation is deactivated (dirty state
    /// written back), then timers and reminder polling stop. Reminders stay in the store for the next start.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopping)
        {
            return _stopTask ??= StopCoreAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _collectionTimer?.Dispose();
        _reminderTimer?.Dispose();
        Metrics.Dispose();
        _stopping.Dispose();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _stopState, 1);
        Log.Stopping(Interlocked.Read(ref _queued), ActivationCount);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ShutdownTimeout);
        try
        {
            await WaitForIdleAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.DrainTimedOut(Interlocked.Read(ref _queued));
        }

        // Wait out a collection pass in flight so no activation is deactivated twice.
        await _housekeeping.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var deactivations = new List<Task>();
            var busy = 0;
            foreach (var type in _types.Values)
            {
                foreach (var a in type.Activations.Values)
                {
                    if (a.TryBeginDeactivation())
                    {
                        deactivations.Add(a.DeactivateAsync(DeactivationReason.ShuttingDown));
                    }
                    else
                    {
                        busy++;
                    }
                }
            }

            await Task.WhenAll(deactivations).ConfigureAwait(false);
            Volatile.Write(ref _stopState, 2);
            Log.Stopped(deactivations.Count, busy);
        }
        finally
        {
            _housekeeping.Release();
            _collectionTimer?.Dispose();
            _reminderTimer?.Dispose();
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    private void OnCollectionTimer() => _ = RunHousekeepingSafelyAsync(CollectAsync);

    private void OnReminderTimer() => _ = RunHousekeepingSafelyAsync(PollRemindersAsync);
}
