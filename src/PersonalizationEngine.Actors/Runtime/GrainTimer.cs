namespace PersonalizationEngine.Actors.Runtime;

/// <summary>A grain timer: each tick is posted to the owning activation as a turn.</summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly Activation _owner;
    private readonly ITimer _timer;
    private int _tickQueued;
    private int _disposed;

    public GrainTimer(Activation owner, Func<Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        _owner = owner;
        Callback = callback;
        _timer = owner.System.Time.CreateTimer(static s => ((GrainTimer)s!).OnTick(), this, dueTime, period <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : period);
    }

    public Func<Task> Callback { get; }

    public void TickStarted() => Volatile.Write(ref _tickQueued, 0);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _timer.Dispose();
            _owner.RemoveTimer(this);
        }
    }

    private void OnTick()
    {
        // Skip the tick while the previous one is still waiting: timers must not flood a busy mailbox.
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.CompareExchange(ref _tickQueued, 1, 0) != 0)
        {
            return;
        }

        if (!_owner.System.TryPostInternal(_owner, new TimerTickMessage(_owner, this)))
        {
            Volatile.Write(ref _tickQueued, 0);
        }
    }
}
