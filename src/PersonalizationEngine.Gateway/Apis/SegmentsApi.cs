using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Domain.Segments;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Catalog;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Segments: marketer-defined conditions (declarative JSON, never code), plus the built-in ones (read-only).</summary>
internal static class SegmentsApi
{
    public static IEndpointRouteBuilder MapSegmentsApi(this IEndpointRouteBuilder app)
    {
        app.MapCatalog<SegmentRecord>("/api/v1/segments", "Segments",
            """{"id":"big_spenders","name":"Big spenders","condition":{"feature":"orders_total","op":">=","value":3}}""",
            sp => sp.GetRequiredService<EngineSettings>().Segments,
            s => s.Compile().Errors,
            s => s.Id);
        app.MapGet("/api/v1/segments/builtin", BuiltIn).WithName("ListBuiltInSegments").WithSummary("The built-in segments (read-only).")
            .WithTags("Segments").RequireScope(ApiScopes.Query);
        return app;
    }

    private static Ok<BuiltInSegmentView[]> BuiltIn() => TypedResults.Ok(BuiltInSegments.All.Select(s => new BuiltInSegmentView(s.Id, s.Name)).ToArray());
}
