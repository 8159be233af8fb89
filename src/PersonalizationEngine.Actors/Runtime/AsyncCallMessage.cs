namespace PersonalizationEngine.Actors.Runtime;

internal sealed class AsyncCallMessage<TGrain, TResult>(Func<TGrain, Task<TResult>> call) : PromiseMessage<TResult>
    where TGrain : Grain
{
    public override Task? Start(Grain grain)
    {
        Task<TResult> task;
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
        var typed = (Task<TResult>)task;
        if (typed.IsCompletedSuccessfully)
        {
            SetResult(typed.Result);
        }
        else
        {
            Fail(TaskFailure.Of(typed));
        }
    }
}
