using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>The cluster as Orleans' membership sees it: nodes, their status and the grains each holds (admin).</summary>
internal static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cluster", GetAsync).WithName("GetCluster").WithTags("Operations").RequireScope(ApiScopes.Admin)
            .WithSummary("Every node of the cluster (membership status, address, start and heartbeat) with its activations by grain type.");
        return app;
    }

    private static async Task<Ok<ClusterView>> GetAsync(IGrainFactory grains, ILocalSiloDetails local)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var stats = await management.GetSimpleGrainStatistics();
        var nodes = hosts
            .Where(h => h.Status is not SiloStatus.Dead || h.IAmAliveTime > DateTime.UtcNow.AddMinutes(-5))
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h =>
            {
                var mine = stats.Where(s => s.SiloAddress.Equals(h.SiloAddress)).ToList();
                var byType = mine.GroupBy(s => ShortType(s.GrainType)).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
                return new ClusterNodeView(h.SiloName, h.SiloAddress.ToParsableString(), h.Status.ToString(), h.SiloAddress.Equals(local.SiloAddress),
                    new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)), new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc)),
                    byType.GetValueOrDefault("customer"), byType.Values.Sum(), byType);
            })
            .ToArray();
        return TypedResults.Ok(new ClusterView(local.ClusterId, nodes.Count(n => n.Status == nameof(SiloStatus.Active)), nodes, NodeRuntimeView.OfThisProcess()));
    }

    /// <summary>Grain class names without namespace or assembly (e.g. <c>CustomerGrain</c> -> <c>customer</c>).</summary>
    private static string ShortType(string type)
    {
        var comma = type.IndexOf(',');
        var name = comma >= 0 ? type[..comma] : type;
        name = name[(name.LastIndexOf('.') + 1)..];
        return name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > 5 ? name[..^5].ToLowerInvariant() : name;
    }
}

/// <summary>The cluster: its id, how many nodes are active, every node recently known, and the answering node's runtime.</summary>
public sealed record ClusterView(string ClusterId, int ActiveNodes, ClusterNodeView[] Nodes, NodeRuntimeView Runtime);

/// <summary>
/// How the answering node's .NET runtime runs, as its garbage collector reports it (<see cref="GC.GetConfigurationVariables"/>):
/// mode and heaps, whether dynamic adaptation (DATAS) resizes them (the gateway ships it off), a first-generation budget
/// set by an operator (<c>DOTNET_GCgen0size</c>; null when not set), and what the process has collected so far.
/// </summary>
public sealed record NodeRuntimeView(string Framework, int Processors, bool ServerGc, bool ConcurrentGc, int GcHeaps, long? Gen0BudgetBytes,
    bool DynamicAdaptation, int Gen0Collections, int Gen1Collections, int Gen2Collections, double GcPauseSeconds)
{
    public static NodeRuntimeView OfThisProcess()
    {
        var gc = GC.GetConfigurationVariables();
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var gen0 = Gen0Budget(Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? Environment.GetEnvironmentVariable("COMPlus_GCgen0size"));
        return new NodeRuntimeView(System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, Environment.ProcessorCount,
            System.Runtime.GCSettings.IsServerGC, gc.GetValueOrDefault("ConcurrentGC") is true, Convert.ToInt32(gc.GetValueOrDefault("HeapCount") ?? 1, invariant),
            gen0, Convert.ToInt64(gc.GetValueOrDefault("GCDynamicAdaptationMode") ?? 0, invariant) != 0,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalSeconds);
    }

    /// <summary>
    /// The first-generation budget an operator gave the runtime. The runtime reads it only from the environment, as
    /// hexadecimal with or without <c>0x</c> (runtimeconfig.json cannot set it: <c>GCgen0size</c> has no public name);
    /// 0 or nothing means the runtime's own choice (null).
    /// </summary>
    internal static long? Gen0Budget(string? environment)
    {
        if (string.IsNullOrWhiteSpace(environment)) return null;
        var hex = environment.Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
        return long.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
    }
}

/// <summary>One node: membership status, whether it is the node answering, and its activations.</summary>
public sealed record ClusterNodeView(string Name, string Address, string Status, bool ThisNode, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat,
    int Customers, int Activations, IReadOnlyDictionary<string, int> ActivationsByType);
