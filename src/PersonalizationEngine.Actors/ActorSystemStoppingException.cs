namespace PersonalizationEngine.Actors;

/// <summary>A call refused because the actor system is stopping or stopped; the gateway maps it to 503.</summary>
public sealed class ActorSystemStoppingException : Exception
{
    public ActorSystemStoppingException()
        : base("The actor system is stopping; no new calls are accepted.")
    {
    }

    public ActorSystemStoppingException(string message)
        : base(message)
    {
    }

    public ActorSystemStoppingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
