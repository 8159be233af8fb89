using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Sharing;

/// <summary>
/// A stored record a node keeps a copy of in memory (a catalogue, the API keys, the churn model). Every change goes
/// through the store with optimistic concurrency, so the stored version says whether the copy is current.
/// </summary>
public interface ISharedRecord
{
    string RecordType { get; }

    string RecordKey { get; }

    /// <summary>The stored version the in-memory copy was read at or written as (0: no record).</summary>
    long Version { get; }

    /// <summary>Reads the record again and replaces the in-memory copy (serialised with the owner's own writes).</summary>
    Task ReloadAsync(CancellationToken cancellationToken);
}

/// <summary>What the node's configuration says about the cluster it runs in.</summary>
public static class ClusterMode
{
    /// <summary>True in a multi-node cluster (<c>Cluster:Provider</c> = <c>Redis</c>): node caches follow other nodes, writers are fenced.</summary>
    public static bool IsMultiNode(Microsoft.Extensions.Configuration.IConfiguration config) =>
        string.Equals(config["Cluster:Provider"], "Redis", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Runs work behind a gate: a shared record's reload never interleaves with its owner's own write.</summary>
public static class GateExtensions
{
    public static async Task RunAsync(this SemaphoreSlim gate, Func<Task> work, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>How often a node checks the records it caches against the store (<c>Cluster:SyncInterval</c>).</summary>
public sealed class SharedRecordOptions
{
    /// <summary>Zero switches the check off (one node: every change is made through this node).</summary>
    public TimeSpan Interval { get; set; }
}

/// <summary>
/// Keeps every node's copies of shared records current in a cluster: every <see cref="SharedRecordOptions.Interval"/>
/// it reads each record's version (an indexed one-row read, no data) and reloads the records whose version moved, so
/// an offer, segment, contact policy, trigger, churn model or API key created, changed or revoked through any node is
/// in force on all within about one interval. A version poll rather than a broadcast: it needs nothing but the store
/// every node already shares, a node that missed a message cannot stay stale, and a node that starts late is current
/// from its first load. Cost: a few single-row reads per interval per node.
/// </summary>
public sealed class SharedRecordWatcher(IStorageProvider storage, IEnumerable<ISharedRecord> records, SharedRecordOptions options, TimeProvider time, ILogger<SharedRecordWatcher> logger) : BackgroundService
{
    private readonly ISharedRecord[] _records = [.. records];

    public IReadOnlyList<ISharedRecord> Records => _records;

    /// <summary>One check of every record; returns how many were reloaded.</summary>
    public async Task<int> CheckAsync(CancellationToken cancellationToken = default)
    {
        var reloaded = 0;
        foreach (var record in _records)
        {
            var stored = await storage.States.ReadVersionAsync(record.RecordType, record.RecordKey, cancellationToken).ConfigureAwait(false);
            if (stored == record.Version) continue;
            await record.ReloadAsync(cancellationToken).ConfigureAwait(false);
            Hosting.GrainLog.SharedRecordReloaded(logger, record.RecordType, record.RecordKey, record.Version);
            reloaded++;
        }
        return reloaded;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(options.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Hosting.GrainLog.SharedRecordCheckFailed(logger, ex);
            }
        }
    }
}
