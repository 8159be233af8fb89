namespace PersonalizationEngine.Actors;

/// <summary>Why an activation is leaving memory; passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public enum DeactivationReason
{
    /// <summary>No call for longer than <see cref="ActorSystemOptions.IdleTimeout"/>.</summary>
    IdleTimeout,

    /// <summary>Shed, least recently used first, because the activation count exceeded <see cref="ActorSystemOptions.MaxActivations"/>.</summary>
    CapacityLimit,

    /// <summary>Shed, least recently used first, because the GC heap exceeded <see cref="ActorSystemOptions.MaxMemoryBytes"/>.</summary>
    MemoryPressure,

    /// <summary>The grain called <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>The actor system is stopping.</summary>
    ShuttingDown,
}
