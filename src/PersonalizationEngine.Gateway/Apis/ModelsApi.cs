using PersonalizationEngine.Grains.Models;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>The active churn model: which one, and swapping it without a restart.</summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/models").WithTags("Models").RequireAuthorization("admin");
        group.MapGet("/churn", (ChurnModelRegistry registry) => registry.Current is { } m
            ? Results.Ok(new { version = m.Version, kind = m.Kind.ToString(), features = m.FeatureNames, mediumThreshold = m.MediumThreshold, highThreshold = m.HighThreshold, source = registry.Source })
            : ApiProblems.NotFound("model", "No churn model is loaded."));
        group.MapPut("/churn", async (HttpRequest request, ChurnModelRegistry registry, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var json = await reader.ReadToEndAsync(ct);
            try
            {
                var model = await registry.ReplaceAsync(json, ct);
                return Results.Ok(new { version = model.Version, kind = model.Kind.ToString(), features = model.FeatureNames.Length });
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException or FormatException or InvalidDataException)
            {
                return ApiProblems.Field("body", "Not a valid churn model artefact: " + ex.Message);
            }
        }).WithSummary("Upload a churn model artefact (the JSON `pe churn train` writes); active for the next score.");
        return app;
    }
}
