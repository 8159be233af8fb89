using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Postgres;
using PersonalizationEngine.Storage.Sqlite;

namespace PersonalizationEngine.Storage;

/// <summary>Builds the configured provider. The caller owns it: call InitializeAsync at start and DisposeAsync at shutdown.</summary>
public static class StorageProviderFactory
{
    public static IStorageProvider Create(StorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            StorageProviderKind.Postgres => new PostgresStorageProvider(options.Postgres, loggerFactory),
            StorageProviderKind.Sqlite => new SqliteStorageProvider(options.Sqlite, loggerFactory),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Provider, $"Unknown {nameof(StorageOptions.Provider)}."),
        };
    }

    /// <summary>
    /// Reads <c>Storage:Provider</c> (Sqlite | Postgres), <c>ConnectionStrings:Postgres</c>, <c>Storage:Postgres:Schema</c>,
    /// <c>Storage:Sqlite:Path</c> and <c>Storage:Journal:*</c> (MaxBatchSize, MaxBatchDelay, QueueCapacity, EnqueueTimeout).
    /// Read by hand rather than with the configuration binder so the project needs only the abstractions package.
    /// </summary>
    public static StorageOptions ReadOptions(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var storage = configuration.GetSection("Storage");
        var options = new StorageOptions();
        if (storage["Provider"] is { Length: > 0 } provider)
        {
            options.Provider = Enum.TryParse<StorageProviderKind>(provider, ignoreCase: true, out var kind)
                ? kind
                : throw new InvalidOperationException($"Storage:Provider must be {nameof(StorageProviderKind.Sqlite)} or {nameof(StorageProviderKind.Postgres)}.");
        }

        options.Postgres.ConnectionString = configuration.GetConnectionString("Postgres") ?? storage["Postgres:ConnectionString"] ?? "";
        options.Postgres.Schema = storage["Postgres:Schema"] is { Length: > 0 } schema ? schema : options.Postgres.Schema;
        options.Sqlite.Path = storage["Sqlite:Path"] is { Length: > 0 } path ? path : options.Sqlite.Path;
        if (storage["Sqlite:BusyTimeout"] is { Length: > 0 } busy)
        {
            options.Sqlite.BusyTimeout = TimeSpan.Parse(busy, CultureInfo.InvariantCulture);
        }

        var journal = ReadJournal(storage.GetSection("Journal"));
        options.Postgres.Journal = journal;
        options.Sqlite.Journal = journal;
        return options;
    }

    private static JournalOptions ReadJournal(IConfigurationSection section)
    {
        var journal = new JournalOptions();
        if (section["MaxBatchSize"] is { Length: > 0 } size)
        {
            journal.MaxBatchSize = int.Parse(size, CultureInfo.InvariantCulture);
        }

        if (section["QueueCapacity"] is { Length: > 0 } capacity)
        {
            journal.QueueCapacity = int.Parse(capacity, CultureInfo.InvariantCulture);
        }

        if (section["MaxBatchDelay"] is { Length: > 0 } delay)
        {
            journal.MaxBatchDelay = TimeSpan.Parse(delay, CultureInfo.InvariantCulture);
        }

        if (section["EnqueueTimeout"] is { Length: > 0 } timeout)
        {
            journal.EnqueueTimeout = TimeSpan.Parse(timeout, CultureInfo.InvariantCulture);
        }

        return journal;
    }
}
