using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>The nodes of the cluster and the grains on each, from Orleans' management grain (issue 19, the operations page).</summary>
internal static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cluster", NodesAsync).WithName("GetCluster").WithTags("Operations").RequireScope(ApiScopes.Query)
            .WithSummary("Every active node (silo) with its status and its grain activations by type, as Orleans' management grain reports them.");
        return app;
    }

    private static async Task<Ok<ClusterView>> NodesAsync(IGrainFactory grains, TimeProvider time)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetHosts(onlyActive: true);
        var statistics = await management.GetSimpleGrainStatistics();
        var nodes = hosts.OrderBy(h => h.Key.ToString(), StringComparer.Ordinal).Select(h =>
        {
            var grainsHere = statistics.Where(s => s.SiloAddress.Equals(h.Key))
                .GroupBy(s => s.GrainType, StringComparer.Ordinal)
                .Select(g => new GrainTypeCount(g.Key, g.Sum(s => (long)s.ActivationCount)))
                .OrderByDescending(g => g.Activations).ToList();
            return new NodeView(h.Key.ToString(), h.Value.ToString().ToLowerInvariant(), grainsHere.Sum(g => g.Activations), grainsHere);
        }).ToList();
        return TypedResults.Ok(new ClusterView(time.GetUtcNow(), nodes));
    }
}
