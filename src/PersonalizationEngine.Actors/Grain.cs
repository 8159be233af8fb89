using PersonalizationEngine.Actors.Runtime;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Actors;

/// <summary>
/// A virtual actor. One activation per key exists at a time and its calls run one at a time (turns), so grain
/// code needs no locks. Awaits inside a turn do not let another call in (non-reentrant, like Orleans' default).
/// </summary>
public abstract class Grain
{
    private Activation? _activation;

    /// <summary>The grain's key, unique within its grain type.</summary>
    public string Key => Activation.Key;

    /// <summary>The clock every time-based decision in the grain should use (fake in tests).</summary>
    public TimeProvider Time => Activation.System.Time;

    /// <summary>For calling other grains. Nothing may assume the other grain lives in this process.</summary>
    public IGrainFactory GrainFactory => Activation.System;

    internal Activation Activation => _activation ?? throw new InvalidOperationException("The grain is not activated; grains are created by the actor system, not with new.");

    internal void Bind(Activation activation) => _activation = activation;

    /// <summary>Runs once per activation, after state is loaded and before the first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once as the activation leaves memory, before dirty state is written back.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A timer whose callback runs as a turn of this grain, only while the activation lives; it is disposed at
    /// deactivation. Ticks do not count as use, so a timer alone does not keep a grain from idle collection.
    /// A tick is skipped while the previous one is still queued or running.
    /// </summary>
    public IDisposable RegisterTimer(Func<Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Activation.RegisterTimer(callback, dueTime, period);
    }

    /// <summary>
    /// A durable reminder kept in the reminder store: when due it activates the grain (even after a restart)
    /// and calls <see cref="IRemindable.ReceiveReminderAsync"/>. Period zero fires once.
    /// </summary>
    public Task RegisterOrUpdateReminderAsync(string name, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (this is not IRemindable)
        {
            throw new InvalidOperationException($"{GetType().Name} must implement {nameof(IRemindable)} to register reminders.");
        }

        var a = Activation;
        var entry = new ReminderEntry(a.Type.Name, a.Key, name, a.System.Time.GetUtcNow() + dueTime, period < TimeSpan.Zero ? TimeSpan.Zero : period);
        return a.System.Storage.Reminders.UpsertAsync(entry, a.System.StoppingToken);
    }

    public Task UnregisterReminderAsync(string name)
    {
        var a = Activation;
        return a.System.Storage.Reminders.DeleteAsync(a.Type.Name, a.Key, name, a.System.StoppingToken);
    }

    /// <summary>Deactivates this activation after the current turn; calls already queued go to the next activation.</summary>
    public void DeactivateOnIdle() => Activation.RequestDeactivation();

    internal virtual Task LoadStateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal virtual bool IsDirty => false;

    internal virtual Task WriteBackAsync() => Task.CompletedTask;
}
