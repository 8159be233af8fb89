namespace PersonalizationEngine.Storage;

/// <summary>
/// A stale write: the stored version is not the one the writer read. Never swallowed and never turned
/// into a silent overwrite (Orleans raises the same-named exception on an ETag mismatch).
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException(string grainType, string key, long expectedVersion, long? actualVersion)
        : base($"Stale write to {grainType}/{key}: expected version {expectedVersion}, stored version is {(actualVersion is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "absent")}.")
    {
        GrainType = grainType;
        Key = key;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    public string GrainType { get; }
    public string Key { get; }
    public long ExpectedVersion { get; }
    public long? ActualVersion { get; }
}
