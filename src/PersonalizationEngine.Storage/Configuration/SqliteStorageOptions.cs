namespace PersonalizationEngine.Storage.Configuration;

/// <summary>Embedded SQLite provider settings (configuration section <c>Storage:Sqlite</c>).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Database file; its folder is created when missing.</summary>
    public string Path { get; set; } = "data/engine.db";

    /// <summary>How long a statement waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public JournalOptions Journal { get; set; } = new();

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException($"{nameof(Path)} is required for the SQLite provider.", nameof(Path));
        }

        Journal.Validate();
    }
}
