namespace PersonalizationEngine.Actors.Runtime;

internal sealed class AsyncVoidCallMessage<TGrain>(Func<TGrain, Task> call) : PromiseMessage<bool>
    where TGrain : Grain
{
    public override Task? Start(Grain grain)
    {
        Task task;
        try
        {
            task = call((TGrain)grain);
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

    public override void Complete(Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            SetResult(true);
        }
        else
        {
            Fail(TaskFailure.Of(task));
        }
    }
}
