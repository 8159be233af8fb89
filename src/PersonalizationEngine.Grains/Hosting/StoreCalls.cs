using System.Runtime.ExceptionServices;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>
/// Orleans wraps whatever a storage provider throws in an <see cref="OrleansException"/> ("Error from storage
/// provider ..."); the engine's callers (the gateway's problem mapping, retries) need the store's own error
/// (<c>StorageUnavailableException</c>, a database error), so grains unwrap it. A stale write stays Orleans'
/// <see cref="Orleans.Storage.InconsistentStateException"/>.
/// </summary>
internal static class StoreCalls
{
    public static async Task Unwrapped(Task write)
    {
        try
        {
            await write;
        }
        catch (OrleansException wrapped) when (wrapped is not Orleans.Storage.InconsistentStateException && wrapped.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
        }
    }
}
