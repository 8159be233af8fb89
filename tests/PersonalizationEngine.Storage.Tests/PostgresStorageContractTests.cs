namespace PersonalizationEngine.Storage.Tests;

public sealed class PostgresStorageContractTests(PostgresSchemaFixture fixture) : StorageContractTests, IClassFixture<PostgresSchemaFixture>
{
    protected override async Task<IStorageProvider> CreateProviderAsync()
    {
        var provider = fixture.CreateProvider();
        await provider.InitializeAsync();
        return provider;
    }
}
