using System.Diagnostics;
using PersonalizationEngine.Actors.Runtime;

namespace PersonalizationEngine.Actors;

public sealed partial class ActorSystem
{
    internal ValueTask<TResult> InvokeAsync<TGrain, TResult>(GrainTypeInfo type, string key, Func<TGrain, TResult> call)
        where TGrain : Grain
    {
        if (IsStopping)
        {
            return ValueTask.FromException<TResult>(Refuse());
        }

        var activation = GetOrCreateActivation(type, key);
        if (activation.TryEnterInline())
        {
            // Fast path: the activation is idle, so this thread takes the turn; no queue, no allocation.
            var started = BeginInlineTurn(activation);
            TResult result;
            try
            {
                result = call((TGrain)activation.Grain!);
            }
            catch (Exception ex)
            {
                EndInlineTurn(activation, started);
                return ValueTask.FromException<TResult>(ex);
            }

            EndInlineTurn(activation, started);
            return new ValueTask<TResult>(result);
        }

        var message = new SyncCallMessage<TGrain, TResult>(call);
        var refusal = Post(type, key, activation, message);
        return refusal is null ? message.AsValueTask() : ValueTask.FromException<TResult>(refusal);
    }

    internal ValueTask<TResult> InvokeAsync<TGrain, TArg, TResult>(GrainTypeInfo type, string key, TArg arg, Func<TGrain, TArg, TResult> call)
        where TGrain : Grain
    {
        if (IsStopping)
        {
            return ValueTask.FromException<TResult>(Refuse());
        }

        var activation = GetOrCreateActivation(type, key);
        if (activation.TryEnterInline())
        {
            var started = BeginInlineTurn(activation);
            TResult result;
            try
            {
                result = call((TGrain)activation.Grain!, arg);
            }
            catch (Exception ex)
            {
                EndInlineTurn(activation, started);
                return ValueTask.FromException<TResult>(ex);
            }

            EndInlineTurn(activation, started);
            return new ValueTask<TResult>(result);
        }

        var message = new SyncCallMessage<TGrain, TArg, TResult>(arg, call);
        var refusal = Post(type, key, activation, message);
        return refusal is null ? message.AsValueTask() : ValueTask.FromException<TResult>(refusal);
    }

    internal Task<TResult> CallAsync<TGrain, TResult>(GrainTypeInfo type, string key, Func<TGrain, Task<TResult>> call)
        where TGrain : Grain
    {
        if (IsStopping)
        {
            return Task.FromException<TResult>(Refuse());
        }

        var activation = GetOrCreateActivation(type, key);
        if (activation.TryEnterInline())
        {
            // The turn starts on the caller's thread and lasts until the grain's task completes; the caller
            // gets the grain's own task, so a synchronously completing method costs no extra allocation.
            var started = BeginInlineTurn(activation);
            Task<TResult> task;
            try
            {
                task = call((TGrain)activation.Grain!);
            }
            catch (Exception ex)
            {
                task = Task.FromException<TResult>(ex);
            }

            FinishInlineTask(activation, task, started);
            return task;
        }

        var message = new AsyncCallMessage<TGrain, TResult>(call);
        var refusal = Post(type, key, activation, message);
        return refusal is null ? message.AsValueTask().AsTask() : Task.FromException<TResult>(refusal);
    }

    internal Task CallAsync<TGrain>(GrainTypeInfo type, string key, Func<TGrain, Task> call)
        where TGrain : Grain
    {
        if (IsStopping)
        {
            return Task.FromException(Refuse());
        }

        var activation = GetOrCreateActivation(type, key);
        if (activation.TryEnterInline())
        {
            var started = BeginInlineTurn(activation);
            Task task;
            try
            {
                task = call((TGrain)activation.Grain!);
            }
            catch (Exception ex)
            {
                task = Task.FromException(ex);
            }

            FinishInlineTask(activation, task, started);
            return task;
        }

        var message = new AsyncVoidCallMessage<TGrain>(call);
        var refusal = Post(type, key, activation, message);
        return refusal is null ? message.AsValueTask().AsTask() : Task.FromException(refusal);
    }

    /// <summary>Posts a runtime-generated message to one specific activation; false when it is gone or stopping.</summary>
    internal bool TryPostInternal(Activation activation, Message message)
    {
        if (IsStopping)
        {
            return false;
        }

        Interlocked.Increment(ref _queued);
        if (activation.TryEnqueue(message, bypassCapacity: true) == EnqueueResult.Queued)
        {
            return true;
        }

        Interlocked.Decrement(ref _queued);
        return false;
    }

    /// <summary>Re-routes an already accepted message to the key's current activation (creating one).</summary>
    internal void Forward(GrainTypeInfo type, string key, Message message)
    {
        if (Volatile.Read(ref _stopState) == 2)
        {
            message.Fail(new ActorSystemStoppingException());
            return;
        }

        Interlocked.Increment(ref _queued);
        var spin = default(SpinWait);
        while (GetOrCreateActivation(type, key).TryEnqueue(message, bypassCapacity: true) != EnqueueResult.Queued)
        {
            spin.SpinOnce();
        }
    }

    private Exception? Post(GrainTypeInfo type, string key, Activation activation, Message message)
    {
        if (Interlocked.Increment(ref _queued) > Options.MaxQueuedMessages)
        {
            Interlocked.Decrement(ref _queued);
            Metrics.Refused();
            return new MailboxFullException(type.Name, key, Options.RefusalRetryAfter, systemWide: true);
        }

        var spin = default(SpinWait);
        while (true)
        {
            switch (activation.TryEnqueue(message, bypassCapacity: false))
            {
                case EnqueueResult.Queued:
                    return null;
                case EnqueueResult.Full:
                    Interlocked.Decrement(ref _queued);
                    Metrics.Refused();
                    return new MailboxFullException(type.Name, key, Options.RefusalRetryAfter, systemWide: false);
                default:
                    // Deactivated between lookup and enqueue: look again (a successor or a new activation); the
                    // directory is updated within microseconds of the close, so spin briefly.
                    spin.SpinOnce();
                    activation = GetOrCreateActivation(type, key);
                    break;
            }
        }
    }

    private ActorSystemStoppingException Refuse()
    {
        Metrics.Refused();
        return new ActorSystemStoppingException();
    }

    private long BeginInlineTurn(Activation activation)
    {
        activation.LastUsed = Time.GetTimestamp();
        return Metrics.TurnTimingEnabled ? Stopwatch.GetTimestamp() : 0;
    }

    private void EndInlineTurn(Activation activation, long started)
    {
        activation.ExitInline();
        if (started != 0)
        {
            Metrics.RecordTurn(started);
        }
    }

    private void FinishInlineTask(Activation activation, Task task, long started)
    {
        if (task.IsCompleted)
        {
            EndInlineTurn(activation, started);
            return;
        }

        activation.ExitInlineWhenDone(task);
    }
}
