namespace PersonalizationEngine.Storage.Configuration;

/// <summary>Embedded SQLite provider settings (configuration section <c>Storage:Sqlite</c>).</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Database file; its folder is created when missing.</summary>
    public string Path { get; set; } = "data/engine.db";

    /// <summary>How long a statement waits for another writer's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public JournalOptions Journal { get; set; } = new();

    /// <summary>
    /// WAL pages after which a commit checkpoints them into the database file (SQLite's <c>wal_autocheckpoint</c>, SQLite's
    /// own default 1,000). Each event touches a page of the per-customer index; a checkpoint writes a page once however
    /// often it changed since the last, so a larger WAL means fewer writes per event, for a WAL file of up to this many
    /// 4 KB pages between checkpoints.
    /// </summary>
    public int WalAutoCheckpointPages { get; set; } = 10_000;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException($"{nameof(Path)} is required for the SQLite provider.", nameof(Path));
        }

        if (WalAutoCheckpointPages is < 100 or > 1_000_000)
        {
            throw new ArgumentException($"{nameof(WalAutoCheckpointPages)} must be between 100 and 1,000,000 (was {WalAutoCheckpointPages}).", nameof(WalAutoCheckpointPages));
        }
        Journal.Validate();
    }
}
