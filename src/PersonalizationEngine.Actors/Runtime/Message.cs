namespace PersonalizationEngine.Actors.Runtime;

/// <summary>One queued turn. The message object is the only per-call allocation on the queued path.</summary>
internal abstract class Message
{
    /// <summary>Calls count as use for idle collection and LRU; timer ticks and write-behind do not.</summary>
    public virtual bool CountsAsUse => true;

    /// <summary>Whether the message follows the key to a new activation when its activation leaves first.</summary>
    public virtual bool Forwardable => true;

    /// <summary>Starts the turn. Null when it finished synchronously, else the task the turn lasts until.</summary>
    public abstract Task? Start(Grain grain);

    /// <summary>Finishes a turn that <see cref="Start"/> left pending.</summary>
    public abstract void Complete(Task task);

    public abstract void Fail(Exception exception);
}
