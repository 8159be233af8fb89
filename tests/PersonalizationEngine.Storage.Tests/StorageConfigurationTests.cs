using PersonalizationEngine.Storage.Configuration;

namespace PersonalizationEngine.Storage.Tests;

public sealed class StorageConfigurationTests
{
    [Fact]
    public void Sqlite_is_the_default_with_the_default_path()
    {
        var options = StorageProviderFactory.ReadOptions(new DictionaryConfiguration(new Dictionary<string, string>()));
        Assert.Equal(StorageProviderKind.Sqlite, options.Provider);
        Assert.Equal("data/engine.db", options.Sqlite.Path);
    }

    [Fact]
    public void Postgres_is_chosen_by_configuration_with_its_connection_string_and_journal_settings()
    {
        var options = StorageProviderFactory.ReadOptions(new DictionaryConfiguration(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = "Host=db;Password=hunter2",
            ["Storage:Postgres:Schema"] = "tenant_a",
            ["Storage:Journal:MaxBatchSize"] = "1000",
            ["Storage:Journal:EnqueueTimeout"] = "00:00:05",
        }));
        Assert.Equal(StorageProviderKind.Postgres, options.Provider);
        Assert.Equal("Host=db;Password=hunter2", options.Postgres.ConnectionString);
        Assert.Equal("tenant_a", options.Postgres.Schema);
        Assert.Equal(1000, options.Postgres.Journal.MaxBatchSize);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Postgres.Journal.EnqueueTimeout);
        Assert.DoesNotContain("hunter2", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_path_comes_from_configuration()
    {
        var options = StorageProviderFactory.ReadOptions(new DictionaryConfiguration(new Dictionary<string, string> { ["Storage:Sqlite:Path"] = "/var/lib/pe/engine.db" }));
        Assert.Equal("/var/lib/pe/engine.db", options.Sqlite.Path);
    }

    [Fact]
    public void Unknown_provider_is_rejected_with_the_allowed_values()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => StorageProviderFactory.ReadOptions(new DictionaryConfiguration(new Dictionary<string, string> { ["Storage:Provider"] = "mongo" })));
        Assert.Contains("Postgres", ex.Message, StringComparison.Ordinal);
    }
}
