namespace PersonalizationEngine.Actors.Runtime;

internal enum EnqueueResult
{
    Queued,
    Full,

    /// <summary>The activation is gone; look the key up again (a new activation will be created).</summary>
    Gone,
}
