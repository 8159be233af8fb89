using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Storage.Tests;

/// <summary>The reference implementation passes the same contract, so tests above storage can trust it.</summary>
public sealed class InMemoryStorageContractTests : StorageContractTests
{
    protected override bool IsDurable => false;

    protected override Task<IStorageProvider> CreateProviderAsync() => Task.FromResult<IStorageProvider>(new InMemoryStorageProvider());
}
