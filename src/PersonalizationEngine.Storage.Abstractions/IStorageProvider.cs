namespace PersonalizationEngine.Storage;

/// <summary>One storage backend (PostgreSQL, SQLite, in-memory) with everything the engine persists.</summary>
public interface IStorageProvider : IAsyncDisposable
{
    /// <summary>Short name for logs and health output, e.g. "postgres".</summary>
    string Name { get; }

    IGrainStateStore States { get; }

    IEventJournal Journal { get; }

    IReminderStore Reminders { get; }

    /// <summary>
    /// Makes the caller the only writer of a grain's stream and state (fencing for duplicate activations during a
    /// membership change): atomically increments the stream's writer epoch and the version of the grain's state record,
    /// and returns the new epoch. From then on appends carrying an older epoch fail with <see cref="StaleWriterException"/>
    /// and state writes expecting an older version fail with <see cref="InconsistentStateException"/>; appends committing
    /// while the claim runs are either visible to a read that follows it or refused. Read the state after claiming. A grain
    /// with no state record yet gets an empty one (zero-length data, version 1) so a stale writer's create fails too;
    /// readers treat empty data as "no state yet".
    /// </summary>
    Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default);

    /// <summary>Creates or migrates the schema. Idempotent: running it on an up-to-date store changes nothing.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the backend answers a trivial query.</summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default);
}
