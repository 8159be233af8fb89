using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Catalog;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Live figures for the dashboard.</summary>
internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats", Get).WithName("GetStats").WithTags("Operations").RequireScope(ApiScopes.Query)
            .WithSummary("Live engine figures (events/s, decisions/s, latency, active grains, segments, offers), taken once a second.");
        app.MapGet("/api/v1/stats/history", History).WithName("GetStatsHistory").WithTags("Operations").RequireScope(ApiScopes.Query)
            .WithSummary("The last hour of per-second figures (oldest first), kept by the server for the dashboard's charts.");
        return app;
    }

    private static Ok<StatsPoint[]> History(StatsHistory history) => TypedResults.Ok(history.Snapshot());

    private static Ok<StatsView> Get(StatsSampler sampler, EngineSettings settings, DecisionService decisions)
    {
        var s = sampler.Latest;
        var segments = settings.Current.Segments.Select(x => new SegmentMembersView(x.Id, x.Name, s.SegmentMembers.GetValueOrDefault(x.Id))).ToArray();
        return TypedResults.Ok(new StatsView(
            s.Time, s.EventsPerSecond, s.DecisionsPerSecond,
            new LatencyView(s.DecisionLatencyMs.P50, s.DecisionLatencyMs.P90, s.DecisionLatencyMs.P99),
            s.ActiveGrains, s.EventsTotal, s.DecisionsTotal, segments, OfferKpis(decisions), s.IngestBacklog, s.IngestLagP99Ms));
    }

    /// <summary>Per-offer KPIs for the dashboard, from the latest refreshed counters.</summary>
    internal static OfferKpi[] OfferKpis(DecisionService decisions)
    {
        var control = decisions.ControlCounters;
        return decisions.Kpis().Select(k => OfferKpi.From(k.OfferId, k.Name, k.Counters, control)).ToArray();
    }
}
