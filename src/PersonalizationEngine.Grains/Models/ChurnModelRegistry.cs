using System.Text;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Grains.Sharing;

namespace PersonalizationEngine.Grains.Models;

/// <summary>
/// The churn model every customer grain scores with. Loaded at start (the stored artefact if one was
/// uploaded, else the file shipped with the engine, <c>models/churn.json</c> next to the binaries or the
/// configured <c>Models:ChurnPath</c>); swapped without restart by <see cref="ReplaceAsync"/>, which stores the
/// new artefact first. Grains read <see cref="Current"/> at scoring time, so the next score uses the new model.
/// </summary>
public sealed class ChurnModelRegistry(IStorageProvider storage, ILogger<ChurnModelRegistry> logger) : Sharing.ISharedRecord
{
    private readonly SemaphoreSlim _write = new(1, 1);
    private string? _configuredPath;
    private long _version;

    string Sharing.ISharedRecord.RecordType => RecordType;

    string Sharing.ISharedRecord.RecordKey => RecordKey;

    public long Version => Volatile.Read(ref _version);

    /// <summary>Activates the model uploaded through another node (the stored artefact is the truth).</summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => _write.RunAsync(() => LoadAsync(_configuredPath, cancellationToken), cancellationToken);

    private const string RecordType = "model";
    private const string RecordKey = "churn";
    private ChurnModel? _current;

    public ChurnModel? Current => Volatile.Read(ref _current);

    /// <summary>Where a model came from, for the API.</summary>
    public string? Source { get; private set; }

    public async Task LoadAsync(string? configuredPath, CancellationToken cancellationToken)
    {
        _configuredPath = configuredPath;
        var stored = await storage.States.ReadAsync(RecordType, RecordKey, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            Set(ChurnModel.FromJson(Encoding.UTF8.GetString(stored.Data)).Validated(), "store");
            Volatile.Write(ref _version, stored.Version);
            return;
        }
        Volatile.Write(ref _version, 0);
        var path = configuredPath ?? Path.Combine(AppContext.BaseDirectory, "models", "churn.json");
        if (File.Exists(path))
        {
            Set(ChurnModel.Load(path).Validated(), path);
            return;
        }
        Hosting.GrainLog.NoChurnModel(logger, path);
    }

    /// <summary>Validates, stores and activates a new model artefact.</summary>
    public async Task<ChurnModel> ReplaceAsync(string json, CancellationToken cancellationToken)
    {
        var model = ChurnModel.FromJson(json).Validated();
        await _write.RunAsync(async () =>
        {
            var existing = await storage.States.ReadVersionAsync(RecordType, RecordKey, cancellationToken).ConfigureAwait(false);
            var version = await storage.States.WriteAsync(RecordType, RecordKey, Encoding.UTF8.GetBytes(model.ToJson()), existing, cancellationToken).ConfigureAwait(false);
            Set(model, "store");
            Volatile.Write(ref _version, version);
        }, cancellationToken).ConfigureAwait(false);
        return model;
    }

    private void Set(ChurnModel model, string source)
    {
        Volatile.Write(ref _current, model);
        Source = source;
        Hosting.GrainLog.ChurnModelActive(logger, model.Version, model.Kind.ToString(), model.FeatureNames.Length, source);
    }
}
