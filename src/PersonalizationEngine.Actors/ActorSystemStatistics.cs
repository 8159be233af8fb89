namespace PersonalizationEngine.Actors;

/// <summary>A point-in-time snapshot of the runtime's counters (the same figures the Meter publishes).</summary>
public sealed record ActorSystemStatistics(
    int Activations,
    long QueuedMessages,
    long ActivationsCreated,
    long ActivationsCollected,
    long ActivationsShed,
    long Refusals);
