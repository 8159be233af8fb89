using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Actors;

/// <summary>
/// A grain with persistent state, loaded on activation with its optimistic-concurrency version. Mark it dirty
/// after changing it; dirty state is written back before deactivation, on shedding, at shutdown and, when
/// configured, every <see cref="ActorSystemOptions.WriteBehindInterval"/>.
/// </summary>
public abstract class Grain<TState> : Grain
    where TState : class, new()
{
    private bool _dirty;

    /// <summary>The state; replace or mutate it inside turns only.</summary>
    public TState State { get; protected set; } = new();

    /// <summary>The version of the stored record this state came from or was last written as (0 = none).</summary>
    public long StateVersion { get; private set; }

    internal override bool IsDirty => _dirty;

    /// <summary>Records that <see cref="State"/> changed and must be written back.</summary>
    public void MarkDirty() => _dirty = true;

    /// <summary>
    /// Writes the state now, expecting the stored version to be <see cref="StateVersion"/>.
    /// </summary>
    /// <exception cref="InconsistentStateException">Someone else wrote the record since it was read.</exception>
    public async Task WriteStateAsync()
    {
        var a = Activation;
        OnWritingState();
        var bytes = a.System.Serializer.Serialize(State);

        // Cleared before the write so a change made while it is in flight is not lost; restored on failure.
        _dirty = false;
        try
        {
            StateVersion = await a.System.Storage.States.WriteAsync(a.Type.Name, a.Key, bytes, StateVersion, a.System.StoppingToken).ConfigureAwait(false);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }

    /// <summary>
    /// Runs inside the turn just before the state is serialised for a write (explicit, write-behind, idle
    /// collection, shedding or shutdown): the place to bring a derived form of the state up to date, for example
    /// to seal (encrypt) it.
    /// </summary>
    protected virtual void OnWritingState()
    {
    }

    /// <summary>Deletes the stored record and resets the state to a new instance (version 0).</summary>
    public async Task ClearStateAsync()
    {
        var a = Activation;
        await a.System.Storage.States.DeleteAsync(a.Type.Name, a.Key, a.System.StoppingToken).ConfigureAwait(false);
        State = new TState();
        StateVersion = 0;
        _dirty = false;
    }

    internal override async Task LoadStateAsync(CancellationToken cancellationToken)
    {
        var a = Activation;
        var stored = await a.System.Storage.States.ReadAsync(a.Type.Name, a.Key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            State = new TState();
            StateVersion = 0;
        }
        else
        {
            State = a.System.Serializer.Deserialize<TState>(stored.Data) ?? new TState();
            StateVersion = stored.Version;
        }

        _dirty = false;
    }

    internal override Task WriteBackAsync() => _dirty ? WriteStateAsync() : Task.CompletedTask;
}
