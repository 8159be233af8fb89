using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Grains.Sharing;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>Keys from configuration: <c>Auth:AdminKey</c> and one write key per source, <c>Auth:WriteKeys:&lt;source&gt;</c>.</summary>
public sealed class AuthOptions
{
    public string? AdminKey { get; set; }

    /// <summary>Read from <c>Auth:WriteKeys</c> by <see cref="WriteKeyConfiguration"/> (either form), not by the binder.</summary>
    public List<ConfiguredWriteKey> WriteKeys { get; } = [];
}

/// <summary>
/// API keys: bootstrap keys from configuration (held only as hashes in memory) plus keys created through the
/// API (stored hashed in the state store, record <c>api-keys/registry</c>). Lookup hashes the presented key
/// and compares hashes in constant time, from an immutable in-memory snapshot. A key that matched is remembered
/// for that snapshot under a keyed 128-bit fingerprint of the secret (never the secret), so it is found again
/// without SHA-256 (OpenSSL's SHA-256 and its interop were about 2% of the CPU of an NBO answer); keys that did
/// not match are not remembered, and any change to the keys starts a new snapshot with nothing remembered.
/// </summary>
public sealed class ApiKeyRegistry(IStorageProvider storage, IOptions<AuthOptions> options, TimeProvider time, IdentityKeys identity, ILogger<ApiKeyRegistry> logger) : PersonalizationEngine.Grains.Sharing.ISharedRecord
{
    private const string RecordType = "api-keys";
    private const string RecordKey = "registry";
    public const int MinimumKeyLength = 16;
    private readonly SemaphoreSlim _write = new(1, 1);
    private const int MaxRemembered = 1024;
    private static readonly long FingerprintSeed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));
    private KeySet _set = new([]);
    private long _version;

    public IReadOnlyList<ApiKeyRecord> Keys => Volatile.Read(ref _set).Keys;

    string PersonalizationEngine.Grains.Sharing.ISharedRecord.RecordType => RecordType;

    string PersonalizationEngine.Grains.Sharing.ISharedRecord.RecordKey => RecordKey;

    public long Version => Volatile.Read(ref _version);

    /// <summary>Takes in keys created or revoked through another node (a new snapshot: nothing remembered carries over).</summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => _write.RunAsync(() => ReadStoredAsync(cancellationToken), cancellationToken);

    private async Task ReadStoredAsync(CancellationToken cancellationToken)
    {
        var stored = await storage.States.ReadAsync(RecordType, RecordKey, cancellationToken).ConfigureAwait(false);
        var created = stored is null ? [] : JsonSerializer.Deserialize<List<ApiKeyRecord>>(stored.Data, JsonSerializerOptions.Web) ?? [];
        Volatile.Write(ref _set, Snapshot(created));
        Volatile.Write(ref _version, stored?.Version ?? 0);
    }

    /// <summary>True when some browser key allows <paramref name="origin"/> (CORS preflights carry no key).</summary>
    public bool AnyBrowserKeyAllows(string origin)
    {
        var set = Volatile.Read(ref _set);
        return set.AnyOrigin || set.BrowserOrigins.Contains(origin);
    }

    private sealed class KeySet(IReadOnlyList<ApiKeyRecord> keys)
    {
        public IReadOnlyList<ApiKeyRecord> Keys { get; } = keys;

        public HashSet<string> BrowserOrigins { get; } = new(keys.Where(k => k.IsBrowser).SelectMany(k => k.AllowedOrigins), StringComparer.OrdinalIgnoreCase);

        public bool AnyOrigin { get; } = keys.Any(k => k.IsBrowser && k.AllowedOrigins.Contains("*"));

        public byte[][] Hashes { get; } = [.. keys.Select(k => Convert.FromHexString(k.Hash))];

        public ConcurrentDictionary<UInt128, ApiKeyRecord> Remembered { get; } = new();
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await identity.LoadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var w in options.Value.WriteKeys.Where(w => !w.TrustDeclared))
        {
            SecurityLog.WriteKeyTrustDefaulted(logger, w.Source);
        }
        await ReadStoredAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Configured keys plus created ones; created browser keys get their (derived) verification secret.</summary>
    private KeySet Snapshot(List<ApiKeyRecord> created) =>
        new(Bootstrap().Concat(created.Select(k => k.IsBrowser ? k with { VerificationSecret = identity.VerificationSecretOf(k.Id) } : k)).ToList());

    private IEnumerable<ApiKeyRecord> Bootstrap()
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        if (!string.IsNullOrEmpty(o.AdminKey))
        {
            Check(o.AdminKey, "Auth:AdminKey");
            yield return new ApiKeyRecord("bootstrap-admin", "admin (configuration)", [ApiScopes.Admin], Hash(o.AdminKey), Prefix(o.AdminKey), now, Bootstrap: true);
        }
        foreach (var w in o.WriteKeys)
        {
            Check(w.Key, $"Auth:WriteKeys:{w.Source}");
            yield return new ApiKeyRecord("bootstrap-write-" + w.Source, $"write key for {w.Source} (configuration)", [ApiScopes.Ingest], Hash(w.Key), Prefix(w.Key), now, Bootstrap: true)
            {
                Trust = w.Trust,
                AllowedOrigins = w.AllowedOrigins,
                VerificationSecret = w.VerificationSecret,
            };
        }
    }

    private static void Check(string key, string setting)
    {
        if (key.Length < MinimumKeyLength) throw new InvalidOperationException($"{setting} must be at least {MinimumKeyLength} characters.");
    }

    /// <summary>The key record for a presented secret, or null. Constant-time per comparison.</summary>
    public ApiKeyRecord? Find(string presented)
    {
        if (presented.Length is < MinimumKeyLength or > 256) return null;
        var set = Volatile.Read(ref _set);
        Span<byte> utf8 = stackalloc byte[256 * 3];
        var secret = utf8[..Encoding.UTF8.GetBytes(presented, utf8)];
        var fingerprint = XxHash128.HashToUInt128(secret, FingerprintSeed);
        if (set.Remembered.TryGetValue(fingerprint, out var known)) return known;

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(secret, hash);
        ApiKeyRecord? found = null;
        for (var i = 0; i < set.Keys.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, set.Hashes[i])) found = set.Keys[i];
        }
        if (found is not null)
        {
            if (set.Remembered.Count >= MaxRemembered) set.Remembered.Clear();
            set.Remembered[fingerprint] = found;
        }
        return found;
    }

    /// <summary>
    /// Creates a key; the secret is returned once and only its hash is stored. A browser key's record carries its
    /// verification secret (derived, not stored) so the caller can show it once too.
    /// </summary>
    public async Task<(ApiKeyRecord Record, string Secret)> CreateAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken, string trust = KeyTrust.Server, IReadOnlyList<string>? allowedOrigins = null)
    {
        var secret = "pe_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');
        var record = new ApiKeyRecord("key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name, scopes.Distinct().ToList(), Hash(secret), Prefix(secret), time.GetUtcNow())
        {
            Trust = trust,
            AllowedOrigins = allowedOrigins ?? [],
        };
        await ChangeAsync(list => list.Add(record), cancellationToken).ConfigureAwait(false);
        return (record.IsBrowser ? record with { VerificationSecret = identity.VerificationSecretOf(record.Id) } : record, secret);
    }

    /// <summary>Revokes a created key; false when unknown. Bootstrap keys are revoked by changing configuration.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var removed = false;
        await ChangeAsync(list => removed = list.RemoveAll(k => k.Id == id) > 0, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    private async Task ChangeAsync(Action<List<ApiKeyRecord>> change, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stored = await storage.States.ReadAsync(RecordType, RecordKey, cancellationToken).ConfigureAwait(false);
            var created = stored is null ? [] : JsonSerializer.Deserialize<List<ApiKeyRecord>>(stored.Data, JsonSerializerOptions.Web) ?? [];
            change(created);
            var version = await storage.States.WriteAsync(RecordType, RecordKey, JsonSerializer.SerializeToUtf8Bytes(created, JsonSerializerOptions.Web), stored?.Version ?? 0, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _set, Snapshot(created));
            Volatile.Write(ref _version, version);
        }
        finally
        {
            _write.Release();
        }
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static string Prefix(string key) => key.Length <= 6 ? "" : key[..6];
}
