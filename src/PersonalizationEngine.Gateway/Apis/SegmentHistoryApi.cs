using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.ConsolePages;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Catalog;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>A segment over time (issue 19, the segments page).</summary>
internal static class SegmentHistoryApi
{
    public static IEndpointRouteBuilder MapSegmentHistoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/segments/{id}/history", History).WithName("GetSegmentHistory").WithTags("Segments").RequireScope(ApiScopes.Query)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Members over time and entries and exits per hour (among customers in memory, kept server-side), and a sample of members' profile ids.");
        return app;
    }

    private static Results<Ok<SegmentHistoryView>, ProblemHttpResult> History(string id, EngineSettings settings, SegmentCounts counts, ConsoleHistory history)
    {
        if (settings.Current.Segments.FirstOrDefault(s => s.Id == id) is not { } segment) return ApiProblems.NotFound("id", $"No segment with id '{id}'.");
        var samples = history.Segment(id);
        return TypedResults.Ok(new SegmentHistoryView(segment.Id, segment.Name, counts.Snapshot().GetValueOrDefault(id), history.Interval.TotalSeconds,
            samples.Select(s => new SegmentPoint(s.Time, s.Members)).ToList(), ConsoleReadouts.PerHour(samples), counts.SampleOf(id)));
    }
}
