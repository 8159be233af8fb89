using PersonalizationEngine.Storage.Configuration;
using PersonalizationEngine.Storage.Sqlite;

namespace PersonalizationEngine.Storage.Tests;

public sealed class SqliteStorageContractTests(SqliteFile file) : StorageContractTests, IClassFixture<SqliteFile>
{
    protected override async Task<IStorageProvider> CreateProviderAsync()
    {
        var provider = new SqliteStorageProvider(new SqliteStorageOptions { Path = file.Path });
        await provider.InitializeAsync();
        return provider;
    }
}
