namespace PersonalizationEngine.Actors.Runtime;

internal sealed class SyncCallMessage<TGrain, TArg, TResult>(TArg arg, Func<TGrain, TArg, TResult> call) : PromiseMessage<TResult>
    where TGrain : Grain
{
    public override Task? Start(Grain grain)
    {
        TResult result;
        try
        {
            result = call((TGrain)grain, arg);
        }
        catch (Exception ex)
        {
            Fail(ex);
            return null;
        }

        SetResult(result);
        return null;
    }

    public override void Complete(Task task)
    {
    }
}
