namespace PersonalizationEngine.Storage;

/// <summary>A grain's persisted state and its optimistic-concurrency version (0 means "never written").</summary>
public sealed record StoredState(byte[] Data, long Version);
