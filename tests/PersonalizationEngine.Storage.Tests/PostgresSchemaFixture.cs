using Npgsql;
using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Postgres;

namespace PersonalizationEngine.Storage.Tests;

/// <summary>
/// A fresh, randomly named schema per test class, dropped at the end (Marten's IntegrationContext isolates the same
/// way). The connection string comes from PE_TEST_POSTGRES; without it every PostgreSQL test fails loudly.
/// </summary>
public sealed class PostgresSchemaFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "PE_TEST_POSTGRES";

    public string Schema { get; } = $"pe_test_{Guid.NewGuid():N}"[..40];

    public string ConnectionString { get; private set; } = "";

    public static string RequireConnectionString() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: PostgreSQL tests need a real server. Run them through `bash tests/run.sh`, which starts a throwaway cluster and sets it.");

    public PostgresStorageOptions Options(JournalOptions? journal = null) => new()
    {
        ConnectionString = ConnectionString,
        Schema = Schema,
        Journal = journal ?? new JournalOptions(),
    };

    public PostgresStorageProvider CreateProvider(JournalOptions? journal = null) => new(Options(journal));

    public Task InitializeAsync()
    {
        ConnectionString = RequireConnectionString();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (ConnectionString.Length == 0)
        {
            return;
        }

        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
