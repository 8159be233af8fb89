using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Gateway.Validation;
using PersonalizationEngine.Grains.Models;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>The active churn model: which one, and swapping it without a restart.</summary>
internal static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/models").WithTags("Models").RequireScope(ApiScopes.Admin);
        group.MapGet("/churn", Get).WithName("GetChurnModel").WithSummary("The active churn model.").ProducesProblem(StatusCodes.Status404NotFound);
        // The artefact is read as text: the registry parses and checks it (its format belongs to the learning code).
        group.MapPut("/churn", ReplaceAsync).WithName("PutChurnModel").WithMetadata(new DocumentedBodyMetadata(typeof(System.Text.Json.Nodes.JsonObject), "application/json"))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Upload a churn model artefact (the JSON `pe churn train` writes); active for the next score.")
            .WithRequestExample("""{"kind":"LogisticRegression","version":"churn-example-1","featureNames":["recency_days"],"means":[30],"scales":[20],"coefficients":[0.8],"intercept":-1.2}""");
        return app;
    }

    private static Results<Ok<ChurnModelView>, ProblemHttpResult> Get(ChurnModelRegistry registry) => registry.Current is { } m
        ? TypedResults.Ok(new ChurnModelView(m.Version, m.Kind.ToString(), m.FeatureNames, m.MediumThreshold, m.HighThreshold, registry.Source))
        : ApiProblems.NotFound("model", "No churn model is loaded.");

    private static async Task<Results<Ok<ChurnModelUploaded>, ProblemHttpResult>> ReplaceAsync(HttpRequest request, ChurnModelRegistry registry, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(ct);
        try
        {
            var model = await registry.ReplaceAsync(json, ct);
            return TypedResults.Ok(new ChurnModelUploaded(model.Version, model.Kind.ToString(), model.FeatureNames.Length));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException or FormatException or InvalidDataException)
        {
            return ApiProblems.Field("body", "Not a valid churn model artefact: " + ex.Message);
        }
    }
}
