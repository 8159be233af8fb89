namespace PersonalizationEngine.Storage;

/// <summary>One storage backend (PostgreSQL, SQLite, in-memory) with everything the engine persists.</summary>
public interface IStorageProvider : IAsyncDisposable
{
    /// <summary>Short name for logs and health output, e.g. "postgres".</summary>
    string Name { get; }

    IGrainStateStore States { get; }

    IEventJournal Journal { get; }

    IReminderStore Reminders { get; }

    /// <summary>Creates or migrates the schema. Idempotent: running it on an up-to-date store changes nothing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the backend answers a trivial query.</summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default);
}
