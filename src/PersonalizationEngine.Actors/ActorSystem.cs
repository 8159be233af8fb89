using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Actors.Runtime;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Actors;

/// <summary>
/// The in-process virtual-actor runtime: activation directory, mailboxes, turns, collection, timers, reminders.
/// Built with <see cref="ActorSystemBuilder"/> (or <c>services.AddActorSystem</c>); start it, call grains, stop it.
/// </summary>
public sealed partial class ActorSystem : IGrainFactory, IAsyncDisposable
{
    private readonly FrozenDictionary<Type, GrainTypeInfo> _types;
    private readonly FrozenDictionary<string, GrainTypeInfo> _typesByName;
    private readonly CancellationTokenSource _stopping = new();
    private int _activationCount;
    private long _queued;
    private int _runners;
    private int _pendingOperations;
    private int _stopState;

    internal ActorSystem(
        ActorSystemOptions options,
        IStorageProvider storage,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IGrainStateSerializer serializer,
        IServiceProvider services,
        IReadOnlyDictionary<Type, Func<IServiceProvider, Grain>> grains)
    {
        options.Validate();
        Options = options;
        Storage = storage;
        Time = time;
        Serializer = serializer;
        Services = services;
        Log = loggerFactory.CreateLogger<ActorSystem>();
        _types = grains.ToFrozenDictionary(g => g.Key, g => new GrainTypeInfo(g.Key, g.Value));
        _typesByName = _types.Values.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
        Metrics = new ActorMetrics(() => Volatile.Read(ref _activationCount), () => Interlocked.Read(ref _queued));
    }

    public ActorSystemOptions Options { get; }

    public TimeProvider Time { get; }

    internal IStorageProvider Storage { get; }

    internal IGrainStateSerializer Serializer { get; }

    internal IServiceProvider Services { get; }

    internal ILogger Log { get; }

    internal ActorMetrics Metrics { get; }

    internal CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Live activations.</summary>
    public int ActivationCount => Volatile.Read(ref _activationCount);

    /// <summary>
    /// True while activations exceed <see cref="ActorSystemOptions.MaxActivations"/> x
    /// <see cref="ActorSystemOptions.SaturationFactor"/>: shedding is behind, and new work should be refused.
    /// </summary>
    public bool IsSaturated => ActivationCount > Options.MaxActivations * Options.SaturationFactor;

    public GrainReference<TGrain> GetGrain<TGrain>(string key)
        where TGrain : Grain
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_types.TryGetValue(typeof(TGrain), out var type))
        {
            throw new InvalidOperationException($"Grain type {typeof(TGrain).Name} is not registered; call AddGrain<{typeof(TGrain).Name}>() on the builder.");
        }

        return new GrainReference<TGrain>(this, type, key);
    }

    public ActorSystemStatistics GetStatistics() => new(
        ActivationCount,
        Interlocked.Read(ref _queued),
        Metrics.CreatedTotal,
        Metrics.CollectedTotal,
        Metrics.ShedTotal,
        Metrics.RefusalsTotal);

    /// <summary>True when the grain type has a live activation for the key (for tests and diagnostics).</summary>
    public bool IsActive<TGrain>(string key)
        where TGrain : Grain =>
        _types.TryGetValue(typeof(TGrain), out var type) && type.Activations.TryGetValue(key, out var a) && a.IsActive;

    internal Activation GetOrCreateActivation(GrainTypeInfo type, string key)
    {
        while (true)
        {
            if (type.Activations.TryGetValue(key, out var existing))
            {
                return existing;
            }

            // Creating the Activation object runs no grain code, so losing the race costs one small object;
            // the grain itself is constructed by the winner's first turn.
            var created = new Activation(this, type, key);
            if (type.Activations.TryAdd(key, created))
            {
                Interlocked.Increment(ref _activationCount);
                Metrics.Created();
                if (Volatile.Read(ref _activationCount) > Options.MaxActivations)
                {
                    RequestShedding();
                }

                return created;
            }
        }
    }

    internal void ActivationRemoved(Activation activation, DeactivationReason? reason)
    {
        if (activation.Type.Activations.TryRemove(new KeyValuePair<string, Activation>(activation.Key, activation)))
        {
            Interlocked.Decrement(ref _activationCount);
            Metrics.Removed(reason);
        }
    }

    /// <summary>
    /// Calls that arrived while an activation was leaving move, in their order, to a successor that replaces it in
    /// the directory in one step; a caller that finds the old one closed retries and lands behind them. The
    /// successor loads the state the old one has just written.
    /// </summary>
    internal bool TryHandOver(Activation leaving, List<Message> orphans, DeactivationReason reason)
    {
        if (Volatile.Read(ref _stopState) == 2)
        {
            foreach (var m in orphans)
            {
                m.Fail(new ActorSystemStoppingException());
            }

            return false;
        }

        // The successor holds its turn token until it is in the directory: it must not run (and perhaps leave
        // itself) before it is the key's registered activation.
        var successor = new Activation(this, leaving.Type, leaving.Key);
        Interlocked.Add(ref _queued, orphans.Count);
        successor.AdoptHeld(orphans);
        if (!leaving.Type.Activations.TryUpdate(leaving.Key, successor, leaving))
        {
            // Unreachable while the leaving activation owns the key; kept so a broken invariant is loud.
            foreach (var m in orphans)
            {
                m.Fail(new InvalidOperationException($"Activation directory lost {leaving.Type.Name}/{leaving.Key} during hand-over."));
            }

            return false;
        }

        Metrics.Removed(reason);
        Metrics.Created();
        ScheduleRunner(successor);
        return true;
    }

    internal void ScheduleRunner(Activation activation)
    {
        Interlocked.Increment(ref _runners);
        ThreadPool.UnsafeQueueUserWorkItem(activation, preferLocal: false);
    }

    internal static void Reschedule(Activation activation) => ThreadPool.UnsafeQueueUserWorkItem(activation, preferLocal: false);

    internal void RunnerStopped() => Interlocked.Decrement(ref _runners);

    internal void Dequeued(int count = 1) => Interlocked.Add(ref _queued, -count);

    private bool IsStopping => Volatile.Read(ref _stopState) != 0;
}
