using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Protection;

/// <summary>
/// Per-customer data keys, stored wrapped by the master key in the state store (record type
/// <c>customer-key</c>). Only the customer's own grain reads or writes its key.
/// </summary>
public sealed class CustomerKeyStore(IStorageProvider storage, CustomerDataProtector protector)
{
    public const string RecordType = "customer-key";

    /// <summary>The customer's data key, or null when it has none (new or erased customer).</summary>
    public async Task<byte[]?> GetAsync(string profileId, CancellationToken cancellationToken)
    {
        var stored = await storage.States.ReadAsync(RecordType, profileId, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : protector.UnwrapKey(profileId, stored.Data);
    }

    /// <summary>Creates and stores a data key for a customer that has none.</summary>
    public async Task<byte[]> CreateAsync(string profileId, CancellationToken cancellationToken)
    {
        var key = CustomerDataProtector.NewDataKey();
        await storage.States.WriteAsync(RecordType, profileId, protector.WrapKey(profileId, key), 0, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Destroys the customer's key: whatever was sealed with it is unreadable from now on.</summary>
    public Task DestroyAsync(string profileId, CancellationToken cancellationToken) =>
        storage.States.DeleteAsync(RecordType, profileId, cancellationToken);
}
