using PersonalizationEngine.Domain.Segments;
using PersonalizationEngine.Grains.Catalog;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Segments: marketer-defined conditions (declarative JSON, never code), plus the built-in ones (read-only).</summary>
internal static class SegmentsApi
{
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapCatalog<SegmentRecord>("/api/v1/segments", "Segments",
            sp => sp.GetRequiredService<EngineSettings>().Segments,
            s => s.Compile().Errors,
            s => s.Id);
        app.MapGet("/api/v1/segments/builtin", () => Results.Ok(BuiltInSegments.All.Select(s => new { id = s.Id, name = s.Name })))
            .WithTags("Segments").RequireAuthorization("query");
        return app;
    }
}
