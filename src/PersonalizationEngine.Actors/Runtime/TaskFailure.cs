namespace PersonalizationEngine.Actors.Runtime;

internal static class TaskFailure
{
    /// <summary>The exception a faulted or cancelled task would throw when awaited.</summary>
    public static Exception Of(Task task)
    {
        if (task.IsCanceled)
        {
            return new TaskCanceledException(task);
        }

        var aggregate = task.Exception;
        if (aggregate is null)
        {
            return new InvalidOperationException("The task did not complete.");
        }

        return aggregate.InnerExceptions.Count == 1 ? aggregate.InnerExceptions[0] : aggregate;
    }
}
