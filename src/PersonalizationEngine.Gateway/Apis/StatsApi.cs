using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Live figures for the dashboard.</summary>
internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stats", (EngineStats stats, IServiceProvider sp) =>
        {
            var s = stats.Snapshot();
            var names = sp.GetRequiredService<PersonalizationEngine.Grains.Catalog.EngineSettings>().Current.Segments.ToDictionary(x => x.Id, x => x.Name, StringComparer.Ordinal);
            return Results.Ok(new
            {
                time = s.Time,
                eventsPerSecond = s.EventsPerSecond,
                decisionsPerSecond = s.DecisionsPerSecond,
                decisionLatencyMs = new { p50 = s.DecisionLatencyMs.P50, p90 = s.DecisionLatencyMs.P90, p99 = s.DecisionLatencyMs.P99 },
                activeGrains = s.ActiveGrains,
                eventsTotal = s.EventsTotal,
                decisionsTotal = s.DecisionsTotal,
                segments = names.Select(n => new { id = n.Key, name = n.Value, members = s.SegmentMembers.GetValueOrDefault(n.Key) }),
                offers = OfferStatsSource.Current(sp),
            });
        }).WithTags("Operations").RequireAuthorization("query").WithSummary("Live engine figures (events/s, decisions/s, latency, active grains, segments, offers).");
        return app;
    }
}

/// <summary>Per-offer KPIs for the dashboard, from the latest refreshed counters.</summary>
internal static class OfferStatsSource
{
    public static IEnumerable<object> Current(IServiceProvider sp)
    {
        var decisions = sp.GetRequiredService<PersonalizationEngine.Grains.Decisioning.DecisionService>();
        var control = decisions.ControlCounters;
        return decisions.Kpis().Select(k => DecisionsApi.Kpi(k.OfferId, k.Name, k.Counters, control)).ToList();
    }
}
