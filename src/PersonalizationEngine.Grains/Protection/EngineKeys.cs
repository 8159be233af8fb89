using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Domain.Identity;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Protection;

/// <summary>
/// The engine's two secrets: the master key that wraps customer data keys and the HMAC key of identifier
/// lookups. Taken from configuration; when absent, generated once and kept in the store (a warning says so).
/// </summary>
public sealed class EngineKeys(IStorageProvider storage, IOptions<EngineOptions> options, ILogger<EngineKeys> logger)
{
    private const string RecordType = "engine-secret";
    private Task<(CustomerDataProtector Protector, IdentifierHasher Hasher)>? _loading;

    public async ValueTask<CustomerDataProtector> ProtectorAsync() => (await LoadAsync().ConfigureAwait(false)).Protector;

    public async ValueTask<IdentifierHasher> HasherAsync() => (await LoadAsync().ConfigureAwait(false)).Hasher;

    private Task<(CustomerDataProtector Protector, IdentifierHasher Hasher)> LoadAsync()
    {
        var loading = Volatile.Read(ref _loading);
        if (loading is { IsCompletedSuccessfully: true })
        {
            return loading;
        }
        if (loading is null || loading.IsFaulted || loading.IsCanceled)
        {
            var fresh = LoadCoreAsync();
            Interlocked.CompareExchange(ref _loading, fresh, loading);
        }
        return _loading!;
    }

    private async Task<(CustomerDataProtector Protector, IdentifierHasher Hasher)> LoadCoreAsync()
    {
        var o = options.Value;
        var master = await KeyAsync("master", o.MasterKey, 32, exact: true).ConfigureAwait(false);
        var identifier = await KeyAsync("identifier", o.IdentifierKey, 16, exact: false).ConfigureAwait(false);
        return (new CustomerDataProtector(master), new IdentifierHasher(identifier));
    }

    private async Task<byte[]> KeyAsync(string name, string? configured, int size, bool exact)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(configured);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"Engine:{Capitalised(name)}Key must be base64.");
            }
            if (exact ? bytes.Length != size : bytes.Length < size)
            {
                throw new InvalidOperationException($"Engine:{Capitalised(name)}Key must be {(exact ? "exactly" : "at least")} {size} bytes.");
            }
            return bytes;
        }
        var stored = await storage.States.ReadAsync(RecordType, name).ConfigureAwait(false);
        if (stored is not null)
        {
            return stored.Data;
        }
        Hosting.GrainLog.GeneratedEngineKey(logger, Capitalised(name));
        var key = RandomNumberGenerator.GetBytes(size);
        try
        {
            await storage.States.WriteAsync(RecordType, name, key, 0).ConfigureAwait(false);
            return key;
        }
        catch (InconsistentStateException)
        {
            // Another node created it first: use theirs.
            return (await storage.States.ReadAsync(RecordType, name).ConfigureAwait(false))!.Data;
        }
    }

    private static string Capitalised(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
