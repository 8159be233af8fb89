namespace PersonalizationEngine.Storage;

/// <summary>
/// The store could not make data durable right now (database down, timed out, or overloaded). Nothing in the failed
/// call was acknowledged; the gateway answers 503 with Retry-After and the client may retry with the same event ids.
/// </summary>
public class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
