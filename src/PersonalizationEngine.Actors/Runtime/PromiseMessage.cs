using System.Threading.Tasks.Sources;

namespace PersonalizationEngine.Actors.Runtime;

/// <summary>
/// A message that is also the caller's awaitable (IValueTaskSource), so a queued call allocates one object.
/// Continuations run asynchronously so caller code never runs inside the grain's turn.
/// </summary>
internal abstract class PromiseMessage<TResult> : Message, IValueTaskSource<TResult>
{
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };

    public short Version => _core.Version;

    public ValueTask<TResult> AsValueTask() => new(this, _core.Version);

    public void SetResult(TResult result) => _core.SetResult(result);

    public override void Fail(Exception exception) => _core.SetException(exception);

    public TResult GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
