using System.Diagnostics;

namespace PersonalizationEngine.Actors.Runtime;

/// <summary>
/// One live grain: its mailbox and its turn loop. The mailbox is a lazily created Queue guarded by a lock on
/// this (internal) object: uncontended it costs ~20 ns, and an idle activation with no queue stays small.
/// <c>_running</c> is the turn token: whoever sets it (the thread-pool runner, an inline caller or the
/// deactivation) is the only one touching the grain until it clears it.
/// </summary>
internal sealed class Activation : IThreadPoolWorkItem
{
    private Queue<Message>? _queue;
    private int _count;
    private bool _running;
    private bool _deactivateRequested;
    private ActivationState _state;
    private Message? _pendingMessage;
    private Task? _pendingTask;
    private long _turnStarted;
    private Action? _resume;
    private List<GrainTimer>? _timers;

    public Activation(ActorSystem system, GrainTypeInfo type, string key)
    {
        System = system;
        Type = type;
        Key = key;
        LastUsed = system.Time.GetTimestamp();
    }

    public ActorSystem System { get; }

    public GrainTypeInfo Type { get; }

    public string Key { get; }

    public Grain? Grain { get; private set; }

    /// <summary>TimeProvider timestamp of the last call, for idle collection and LRU shedding.</summary>
    public long LastUsed;

    public int QueuedCount => Volatile.Read(ref _count);

    public bool IsDirty => Grain?.IsDirty ?? false;

    public bool IsActive => _state == ActivationState.Active;

    public EnqueueResult TryEnqueue(Message message, bool bypassCapacity)
    {
        lock (this)
        {
            if (_state == ActivationState.Deactivated)
            {
                return EnqueueResult.Gone;
            }

            if (!bypassCapacity && _count >= System.Options.MailboxCapacity)
            {
                return EnqueueResult.Full;
            }

            (_queue ??= new Queue<Message>(4)).Enqueue(message);
            _count++;
            if (_running)
            {
                return EnqueueResult.Queued;
            }

            _running = true;
        }

        System.ScheduleRunner(this);
        return EnqueueResult.Queued;
    }

    /// <summary>Queues calls handed over from the previous activation and takes the turn token without scheduling.</summary>
    public void AdoptHeld(List<Message> messages)
    {
        lock (this)
        {
            _queue = new Queue<Message>(messages);
            _count = messages.Count;
            _running = true;
        }
    }

    /// <summary>Takes the turn token for a call run on the caller's thread; only when nothing is queued or running.</summary>
    public bool TryEnterInline()
    {
        lock (this)
        {
            if (_running || _count != 0 || _state != ActivationState.Active || _deactivateRequested)
            {
                return false;
            }

            _running = true;
            return true;
        }
    }

    public void ExitInline()
    {
        lock (this)
        {
            if (_count == 0 && !_deactivateRequested)
            {
                _running = false;
                return;
            }
        }

        // Calls queued while the inline turn ran (or a deactivation request) now go to the thread pool.
        System.ScheduleRunner(this);
    }

    /// <summary>Keeps the turn token until an inline asynchronous turn's task completes.</summary>
    public void ExitInlineWhenDone(Task task) =>
        task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(ExitInline);

    public void RequestDeactivation()
    {
        lock (this)
        {
            _deactivateRequested = true;
        }
    }

    /// <summary>Takes the turn token for a collector-driven deactivation; only when idle and active.</summary>
    public bool TryBeginDeactivation()
    {
        lock (this)
        {
            // A Created activation with nothing queued was left by a refused first call; it is removed too.
            if (_running || _count != 0 || _state is not (ActivationState.Active or ActivationState.Created))
            {
                return false;
            }

            _running = true;
            _state = ActivationState.Deactivating;
            return true;
        }
    }

    public void Execute()
    {
        if (_state == ActivationState.Created)
        {
            _ = ActivateThenRunAsync();
            return;
        }

        RunLoop();
    }

    public IDisposable RegisterTimer(Func<Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period);
        lock (this)
        {
            (_timers ??= []).Add(timer);
        }

        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (this)
        {
            _timers?.Remove(timer);
        }
    }

    private async Task ActivateThenRunAsync()
    {
        try
        {
            var grain = Type.Factory(System.Services);
            grain.Bind(this);
            Grain = grain;
            await grain.LoadStateAsync(System.StoppingToken).ConfigureAwait(false);
            await grain.OnActivateAsync(System.StoppingToken).ConfigureAwait(false);
            lock (this)
            {
                _state = ActivationState.Active;
            }
        }
        catch (Exception ex)
        {
            System.Log.ActivationFailed(ex, Type.Name, Key);
            FailQueued(ex);
            return;
        }

        RunLoop();
    }

    private void RunLoop()
    {
        var budget = System.Options.TurnsPerScheduling;
        while (true)
        {
            Message message;
            lock (this)
            {
                // DeactivateOnIdle takes effect after the current turn (as in Orleans); calls still queued are
                // handed over, in order, to the next activation.
                if (_deactivateRequested && _state == ActivationState.Active)
                {
                    _state = ActivationState.Deactivating;
                    break;
                }

                if (_count == 0)
                {
                    _running = false;
                    System.RunnerStopped();
                    return;
                }

                if (--budget < 0)
                {
                    // Fairness: yield the thread to other activations, keep the turn token.
                    ActorSystem.Reschedule(this);
                    return;
                }

                message = _queue!.Dequeue();
                _count--;
            }

            System.Dequeued();
            if (message.CountsAsUse)
            {
                LastUsed = System.Time.GetTimestamp();
            }

            var started = System.Metrics.TurnTimingEnabled ? Stopwatch.GetTimestamp() : 0;
            var pending = message.Start(Grain!);
            if (pending is not null)
            {
                _pendingMessage = message;
                _pendingTask = pending;
                _turnStarted = started;
                pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_resume ??= ResumeAfterAsyncTurn);
                return;
            }

            if (started != 0)
            {
                System.Metrics.RecordTurn(started);
            }
        }

        // Leave now, still holding the turn token.
        _ = DeactivateFromRunnerAsync();
    }

    private void ResumeAfterAsyncTurn()
    {
        var message = _pendingMessage!;
        var task = _pendingTask!;
        _pendingMessage = null;
        _pendingTask = null;
        message.Complete(task);
        if (_turnStarted != 0)
        {
            System.Metrics.RecordTurn(_turnStarted);
        }

        RunLoop();
    }

    private async Task DeactivateFromRunnerAsync()
    {
        try
        {
            await DeactivateAsync(DeactivationReason.ApplicationRequested).ConfigureAwait(false);
        }
        finally
        {
            System.RunnerStopped();
        }
    }

    /// <summary>Runs the deactivation; the caller holds the turn token and has set the state to Deactivating.</summary>
    public async Task DeactivateAsync(DeactivationReason reason)
    {
        List<GrainTimer>? timers;
        lock (this)
        {
            timers = _timers;
            _timers = null;
        }

        if (timers is not null)
        {
            foreach (var t in timers)
            {
                t.Dispose();
            }
        }

        var grain = Grain;
        if (grain is null)
        {
            TakeQueueAndClose();
            System.ActivationRemoved(this, reason);
            return;
        }

        try
        {
            await grain.OnDeactivateAsync(reason, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            System.Log.DeactivateCallbackFailed(ex, Type.Name, Key);
        }

        try
        {
            await grain.WriteBackAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            System.Log.WriteBackFailed(ex, Type.Name, Key);
        }

        var orphans = TakeQueueAndClose();
        orphans?.RemoveAll(static m => !m.Forwardable);
        if (orphans is null || orphans.Count == 0 || !System.TryHandOver(this, orphans, reason))
        {
            System.ActivationRemoved(this, reason);
        }
    }

    private void FailQueued(Exception ex)
    {
        var orphans = TakeQueueAndClose();
        System.ActivationRemoved(this, reason: null);
        if (orphans is not null)
        {
            foreach (var m in orphans)
            {
                m.Fail(ex);
            }
        }

        System.RunnerStopped();
    }

    private List<Message>? TakeQueueAndClose()
    {
        List<Message>? orphans = null;
        lock (this)
        {
            _state = ActivationState.Deactivated;
            if (_count > 0)
            {
                orphans = [.. _queue!];
                _queue!.Clear();
                System.Dequeued(_count);
                _count = 0;
            }

            _queue = null;
            _running = false;
        }

        return orphans;
    }
}
