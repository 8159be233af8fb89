namespace PersonalizationEngine.Storage.Configuration;

/// <summary>Everything <see cref="StorageProviderFactory"/> needs to build a provider.</summary>
public sealed class StorageOptions
{
    public StorageProviderKind Provider { get; set; } = StorageProviderKind.Sqlite;

    public PostgresStorageOptions Postgres { get; set; } = new();

    public SqliteStorageOptions Sqlite { get; set; } = new();

    internal void Validate()
    {
        if (Provider == StorageProviderKind.Postgres)
        {
            Postgres.Validate();
        }
        else
        {
            Sqlite.Validate();
        }
    }

    public override string ToString() => Provider == StorageProviderKind.Postgres ? Postgres.ToString() : $"Sqlite(path={Sqlite.Path})";
}
