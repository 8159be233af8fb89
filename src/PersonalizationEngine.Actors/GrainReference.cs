using PersonalizationEngine.Actors.Runtime;

namespace PersonalizationEngine.Actors;

/// <summary>
/// A cheap handle to a grain (type + key); copying or keeping it costs nothing and does not activate anything.
/// Every call runs as one turn of the grain's single activation and returns its result or exception.
/// </summary>
public readonly struct GrainReference<TGrain>
    where TGrain : Grain
{
    private readonly ActorSystem _system;
    private readonly GrainTypeInfo _type;

    internal GrainReference(ActorSystem system, GrainTypeInfo type, string key)
    {
        _system = system;
        _type = type;
        Key = key;
    }

    public string Key { get; }

    /// <summary>Calls an asynchronous grain method; the turn lasts until its task completes.</summary>
    public Task<TResult> CallAsync<TResult>(Func<TGrain, Task<TResult>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _system.CallAsync(_type, Key, call);
    }

    /// <summary>Calls an asynchronous grain method without a result.</summary>
    public Task CallAsync(Func<TGrain, Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _system.CallAsync(_type, Key, call);
    }

    /// <summary>
    /// Fast path for synchronous grain work: when the activation is idle the turn runs on the caller's thread
    /// and completes without allocating; otherwise it is queued like any call. Named Invoke, not Call, because
    /// a lambda returning a Task would otherwise match both overloads.
    /// </summary>
    public ValueTask<TResult> InvokeAsync<TResult>(Func<TGrain, TResult> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _system.InvokeAsync(_type, Key, call);
    }

    /// <summary>
    /// As <see cref="InvokeAsync{TResult}(Func{TGrain, TResult})"/>, passing <paramref name="arg"/> so a
    /// <c>static</c> lambda can be used and no closure is allocated per call.
    /// </summary>
    public ValueTask<TResult> InvokeAsync<TArg, TResult>(TArg arg, Func<TGrain, TArg, TResult> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _system.InvokeAsync(_type, Key, arg, call);
    }

    public override string ToString() => $"{_type.Name}/{Key}";
}
