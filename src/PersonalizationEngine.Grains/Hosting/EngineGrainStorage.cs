using System.Globalization;
using System.Text.Json;
using Orleans.Storage;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>
/// Orleans' <see cref="IGrainStorage"/> over the project's own state table (PostgreSQL or SQLite): a record per grain,
/// keyed by the grain type name (<c>customer</c>, <c>identity</c>, <c>offer-model</c>) and the grain's string key,
/// holding the state as JSON with a version. The ETag is that version, so a stale write (another activation wrote
/// first) fails with Orleans' <see cref="Orleans.Storage.InconsistentStateException"/> instead of overwriting.
/// Orleans' ADO.NET provider is not used because its SQL scripts are not shipped in its packages, and the records
/// written by the engine before Orleans stay readable this way.
/// </summary>
public sealed class EngineGrainStorage(IStorageProvider storage) : IGrainStorage
{
    /// <summary>The provider name grains use in <c>[PersistentState(..., EngineGrainStorage.Name)]</c>.</summary>
    public const string Name = "engine";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (type, key) = Address(grainId);
        var stored = await storage.States.ReadAsync(type, key).ConfigureAwait(false);
        if (stored is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        if (stored.Data.Length == 0)
        {
            // Claimed by a writer (fencing) before any state was written: no state yet, but its version is the ETag.
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = false;
            return;
        }
        grainState.State = JsonSerializer.Deserialize<T>(stored.Data, Json) ?? Activator.CreateInstance<T>();
        grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (type, key) = Address(grainId);
        // Serialised before the first await: what is written is the state as of this call, even if the grain
        // changes it while the write is in flight (ingest interleaves with snapshot writes).
        var bytes = JsonSerializer.SerializeToUtf8Bytes(grainState.State, Json);
        var expected = grainState.ETag is { } etag ? long.Parse(etag, CultureInfo.InvariantCulture) : 0;
        long version;
        try
        {
            version = await storage.States.WriteAsync(type, key, bytes, expected).ConfigureAwait(false);
        }
        catch (PersonalizationEngine.Storage.InconsistentStateException stale)
        {
            throw new Orleans.Storage.InconsistentStateException(stale.Message, stale.ActualVersion?.ToString(CultureInfo.InvariantCulture) ?? "", grainState.ETag ?? "", stale);
        }
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (type, key) = Address(grainId);
        await storage.States.DeleteAsync(type, key).ConfigureAwait(false);
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static (string Type, string Key) Address(GrainId id) => (id.Type.ToString()!, id.Key.ToString()!);
}
