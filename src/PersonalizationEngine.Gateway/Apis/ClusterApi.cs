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
        return TypedResults.Ok(new ClusterView(local.ClusterId, nodes.Count(n => n.Status == nameof(SiloStatus.Active)), nodes));
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

/// <summary>The cluster: its id, how many nodes are active, and every node recently known.</summary>
public sealed record ClusterView(string ClusterId, int ActiveNodes, ClusterNodeView[] Nodes);

/// <summary>One node: membership status, whether it is the node answering, and its activations.</summary>
public sealed record ClusterNodeView(string Name, string Address, string Status, bool ThisNode, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat,
    int Customers, int Activations, IReadOnlyDictionary<string, int> ActivationsByType);
