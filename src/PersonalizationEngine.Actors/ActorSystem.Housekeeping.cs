using PersonalizationEngine.Actors.Runtime;

namespace PersonalizationEngine.Actors;

public sealed partial class ActorSystem
{
    private readonly SemaphoreSlim _housekeeping = new(1, 1);
    private long _lastWriteBehind;
    private int _shedRequested;

    /// <summary>
    /// One collection pass: idle activations are deactivated, then the least recently used are shed while over
    /// <see cref="ActorSystemOptions.MaxActivations"/> or <see cref="ActorSystemOptions.MaxMemoryBytes"/>, then
    /// write-behind runs when due. Runs on a timer; the test host calls it after advancing fake time.
    /// </summary>
    public async Task CollectAsync(CancellationToken cancellationToken = default)
    {
        await _housekeeping.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _pendingOperations);
        try
        {
            Volatile.Write(ref _shedRequested, 0);
            if (IsStopping)
            {
                return;
            }

            var now = Time.GetTimestamp();
            var all = new List<Activation>(ActivationCount);
            foreach (var type in _types.Values)
            {
                all.AddRange(type.Activations.Values);
            }

            var idle = new List<Task>();
            var survivors = new List<Activation>(all.Count);
            foreach (var a in all)
            {
                if (Time.GetElapsedTime(Volatile.Read(ref a.LastUsed), now) >= Options.IdleTimeout && a.TryBeginDeactivation())
                {
                    idle.Add(a.DeactivateAsync(DeactivationReason.IdleTimeout));
                }
                else
                {
                    survivors.Add(a);
                }
            }

            await Task.WhenAll(idle).ConfigureAwait(false);

            var shed = 0;
            var reason = "none";
            var overCount = survivors.Count - Options.MaxActivations;
            var overMemory = Options.MaxMemoryBytes is { } max && GC.GetTotalMemory(forceFullCollection: false) > max;
            if (overCount > 0 || overMemory)
            {
                var target = Math.Max(overCount, overMemory ? (int)Math.Ceiling(survivors.Count * Options.MemoryShedFraction) : 0);
                var why = overCount > 0 ? DeactivationReason.CapacityLimit : DeactivationReason.MemoryPressure;
                reason = why.ToString();
                survivors.Sort(static (x, y) => Volatile.Read(ref x.LastUsed).CompareTo(Volatile.Read(ref y.LastUsed)));
                var shedding = new List<Task>(target);
                foreach (var a in survivors)
                {
                    if (shedding.Count >= target)
                    {
                        break;
                    }

                    // Busy activations are skipped, not waited for: the next pass gets them if still needed.
                    if (a.TryBeginDeactivation())
                    {
                        shedding.Add(a.DeactivateAsync(why));
                    }
                }

                await Task.WhenAll(shedding).ConfigureAwait(false);
                shed = shedding.Count;
            }

            WriteBehindIfDue(now);
            Log.Collected(idle.Count, shed, reason);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingOperations);
            _housekeeping.Release();
        }
    }

    /// <summary>
    /// Reads due reminders, moves each to its next due time (or deletes a one-shot) and delivers it as a turn,
    /// activating the grain if needed. Runs on a timer; the test host calls it after advancing fake time.
    /// </summary>
    public async Task PollRemindersAsync(CancellationToken cancellationToken = default)
    {
        // One poll at a time: a slow poll must not let the next tick deliver the same reminders again.
        if (Interlocked.CompareExchange(ref _polling, 1, 0) != 0)
        {
            return;
        }
        Interlocked.Increment(ref _pendingOperations);
        try
        {
            if (IsStopping)
            {
                return;
            }

            var now = Time.GetUtcNow();
            var due = await Storage.Reminders.ReadDueAsync(now, Options.MaxRemindersPerPoll, cancellationToken).ConfigureAwait(false);
            var deliver = new List<(GrainTypeInfo Type, PersonalizationEngine.Storage.ReminderEntry Reminder)>(due.Count);
            var advances = new List<Task>(due.Count);
            foreach (var r in due)
            {
                if (!_typesByName.TryGetValue(r.GrainType, out var type))
                {
                    Log.ReminderForUnknownType(r.GrainType, r.Key, r.Name);
                    continue;
                }

                // Advance first, deliver second: a crash in between loses one tick rather than repeating it forever.
                // The advances run together, so a store that group-commits writes them in a few transactions.
                if (r.Period > TimeSpan.Zero)
                {
                    var missed = (long)((now - r.DueAt).Ticks / r.Period.Ticks) + 1;
                    advances.Add(Storage.Reminders.UpsertAsync(r with { DueAt = r.DueAt + (r.Period * missed) }, cancellationToken));
                }
                else
                {
                    advances.Add(Storage.Reminders.DeleteAsync(r.GrainType, r.Key, r.Name, cancellationToken));
                }
                deliver.Add((type, r));
            }
            await Task.WhenAll(advances).ConfigureAwait(false);
            foreach (var (type, r) in deliver)
            {
                var activation = GetOrCreateActivation(type, r.Key);
                Forward(type, r.Key, new ReminderMessage(activation, r.Name));
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pendingOperations);
            Volatile.Write(ref _polling, 0);
        }
    }

    private int _polling;

    /// <summary>
    /// Completes once no message is queued or running and no housekeeping is in flight. For tests and shutdown;
    /// polls, because tracking quiescence exactly would put shared writes on every turn.
    /// </summary>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        while (Interlocked.Read(ref _queued) != 0 || Volatile.Read(ref _runners) != 0 || Volatile.Read(ref _pendingOperations) != 0)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    private void WriteBehindIfDue(long now)
    {
        if (Options.WriteBehindInterval is not { } interval || Time.GetElapsedTime(_lastWriteBehind, now) < interval)
        {
            return;
        }

        _lastWriteBehind = now;
        foreach (var type in _types.Values)
        {
            foreach (var a in type.Activations.Values)
            {
                if (a.IsDirty)
                {
                    TryPostInternal(a, new WriteBackMessage(a));
                }
            }
        }
    }

    private void RequestShedding()
    {
        if (!Options.BackgroundHousekeeping || Interlocked.Exchange(ref _shedRequested, 1) != 0)
        {
            return;
        }

        _ = RunHousekeepingSafelyAsync(CollectAsync);
    }

    private async Task RunHousekeepingSafelyAsync(Func<CancellationToken, Task> pass)
    {
        try
        {
            await pass(StoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (StoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.HousekeepingFailed(ex);
        }
    }
}
