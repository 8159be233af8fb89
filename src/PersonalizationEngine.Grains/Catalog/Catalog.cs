using System.Text.Json;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Grains.Sharing;

namespace PersonalizationEngine.Grains.Catalog;

/// <summary>
/// A small durable collection of definitions (offers, segments, contact policies, triggers) keyed by id:
/// stored as one versioned record (optimistic concurrency) and served from an immutable in-memory snapshot,
/// so readers on the hot path never lock. Writes are serialised and durable before they are visible.
/// </summary>
/// <param name="protector">When given, the record is stored sealed (AES-GCM under a key derived from the master
/// key): for catalogues holding secrets or personal data. A record stored in clear by an older version is still
/// read, and sealed at its next change.</param>
public sealed class Catalog<T>(IStorageProvider storage, string name, Func<T, string> idOf, Func<ValueTask<Protection.CustomerDataProtector>>? protector = null) : Sharing.ISharedRecord where T : class
{
    private const byte SealedMarker = 0; // JSON text never starts with a NUL byte
    private const string RecordType = "catalog";
    private readonly SemaphoreSlim _write = new(1, 1);
    private IReadOnlyDictionary<string, T> _items = new Dictionary<string, T>(StringComparer.Ordinal);
    private long _version;

    /// <summary>Raised after every successful change, with the new snapshot.</summary>
    public event Action<IReadOnlyCollection<T>>? Changed;

    public string Name => name;

    string Sharing.ISharedRecord.RecordType => RecordType;

    string Sharing.ISharedRecord.RecordKey => name;

    public long Version => Volatile.Read(ref _version);

    /// <summary>Reloads the stored record (changed through another node), after any change this node is making.</summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => _write.RunAsync(() => LoadAsync(cancellationToken), cancellationToken);

    public IReadOnlyCollection<T> All => Volatile.Read(ref _items).Values.ToList();

    public T? Get(string id) => Volatile.Read(ref _items).GetValueOrDefault(id);

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        var stored = await storage.States.ReadAsync(RecordType, name, cancellationToken).ConfigureAwait(false);
        var list = stored is null ? [] : JsonSerializer.Deserialize<List<T>>(await DecodeAsync(stored.Data).ConfigureAwait(false), JsonSerializerOptions.Web) ?? [];
        Publish(list.ToDictionary(idOf, StringComparer.Ordinal), stored?.Version ?? 0);
    }

    /// <summary>Creates or replaces an item; returns true when it was created.</summary>
    public Task<bool> UpsertAsync(T item, CancellationToken cancellationToken = default) =>
        ChangeAsync(items =>
        {
            var created = !items.ContainsKey(idOf(item));
            items[idOf(item)] = item;
            return created;
        }, cancellationToken);

    /// <summary>
    /// Replaces an item with what <paramref name="update"/> makes of the stored one (compare-and-set across nodes: on a
    /// conflicting write the record is reloaded and <paramref name="update"/> decides again on the fresh item); false,
    /// and nothing written, when the item is gone or <paramref name="update"/> returns null.
    /// </summary>
    public Task<bool> UpdateAsync(string id, Func<T, T?> update, CancellationToken cancellationToken = default) =>
        ChangeAsync(items =>
        {
            if (!items.TryGetValue(id, out var current) || update(current) is not { } next) return false;
            items[id] = next;
            return true;
        }, cancellationToken, writeWhenFalse: false);

    /// <summary>Removes an item; false when it did not exist.</summary>
    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        ChangeAsync(items => items.Remove(id), cancellationToken);

    private async Task<bool> ChangeAsync(Func<Dictionary<string, T>, bool> change, CancellationToken cancellationToken, bool writeWhenFalse = true)
    {
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var items = new Dictionary<string, T>(_items, StringComparer.Ordinal);
            var result = change(items);
            if (!result && !writeWhenFalse) return false;
            var bytes = await EncodeAsync(items).ConfigureAwait(false);
            long version;
            try
            {
                version = await storage.States.WriteAsync(RecordType, name, bytes, _version, cancellationToken).ConfigureAwait(false);
            }
            catch (InconsistentStateException)
            {
                // Changed elsewhere (another node): reload and apply the change on top once more.
                await LoadAsync(cancellationToken).ConfigureAwait(false);
                items = new Dictionary<string, T>(_items, StringComparer.Ordinal);
                result = change(items);
                if (!result && !writeWhenFalse) return false;
                bytes = await EncodeAsync(items).ConfigureAwait(false);
                version = await storage.States.WriteAsync(RecordType, name, bytes, _version, cancellationToken).ConfigureAwait(false);
            }
            Publish(items, version);
            return result;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>The stored form of the items: JSON in id order, sealed when the catalogue has a protector.</summary>
    private async ValueTask<byte[]> EncodeAsync(Dictionary<string, T> items)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(items.Values.OrderBy(idOf, StringComparer.Ordinal).ToList(), JsonSerializerOptions.Web);
        if (protector is null) return json;
        var sealedRecord = (await protector().ConfigureAwait(false)).SealRecord("catalog:" + name, json);
        return [SealedMarker, .. sealedRecord];
    }

    private async ValueTask<byte[]> DecodeAsync(byte[] stored)
    {
        if (stored.Length == 0 || stored[0] != SealedMarker) return stored; // plain JSON
        if (protector is null) throw new InvalidOperationException($"The catalogue '{name}' is stored sealed; it needs the engine's keys to be read.");
        return (await protector().ConfigureAwait(false)).OpenRecord("catalog:" + name, stored.AsSpan(1));
    }

    private void Publish(Dictionary<string, T> items, long version)
    {
        Volatile.Write(ref _items, items);
        Volatile.Write(ref _version, version);
        Changed?.Invoke(items.Values);
    }
}
