namespace PersonalizationEngine.Storage.Configuration;

/// <summary>Which durable backend the engine uses (configuration key <c>Storage:Provider</c>).</summary>
public enum StorageProviderKind
{
    /// <summary>Embedded file database; the default so the engine runs with nothing installed.</summary>
    Sqlite,

    Postgres,
}
