namespace PersonalizationEngine.Actors.Runtime;

/// <summary>A runtime-generated turn (timer tick, reminder, write-behind); failures are logged, nobody awaits it.</summary>
internal abstract class InternalMessage(Activation origin) : Message
{
    protected Activation Origin { get; } = origin;

    public override void Complete(Task task)
    {
        if (!task.IsCompletedSuccessfully)
        {
            Fail(TaskFailure.Of(task));
        }
    }

    public override void Fail(Exception exception) => Origin.System.Log.InternalTurnFailed(exception, GetType().Name, Origin.Type.Name, Origin.Key);

    protected Task? Finish(Func<Task> start)
    {
        Task task;
        try
        {
            task = start();
        }
        catch (Exception ex)
        {
            Fail(ex);
            return null;
        }

        if (!task.IsCompleted)
        {
            return task;
        }

        Complete(task);
        return null;
    }
}
