namespace PersonalizationEngine.Actors.Runtime;

internal sealed class SyncCallMessage<TGrain, TResult>(Func<TGrain, TResult> call) : PromiseMessage<TResult>
    where TGrain : Grain
{
    public override Task? Start(Grain grain)
    {
        TResult result;
        try
        {
            result = call((TGrain)grain);
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
