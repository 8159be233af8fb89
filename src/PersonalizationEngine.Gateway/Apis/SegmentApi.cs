using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.Ingest;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>
/// Segment-compatible ingestion (HTTP Tracking API): <c>/v1/batch</c> and the single-message routes. The write
/// key is the Basic-auth user name; bodies may be gzip (RudderStack) and any content type.
/// </summary>
internal static class SegmentApi
{
    public static IEndpointRouteBuilder MapSegmentApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Segment-compatible ingestion").RequireScope(ApiScopes.Ingest).RequireRateLimiting(Hosting.EngineHostingExtensions.IngestPolicy);
        group.MapPost("/batch", BatchAsync).WithName("SegmentBatch").WithSummary("Segment batch: {batch: [messages]}.")
            .DescribeIngestion<Contracts.SegmentBatch>("application/json", """{"batch":[{"type":"track","userId":"42","event":"Order Completed","properties":{"revenue":89,"currency":"GBP"},"messageId":"m-1","timestamp":"2026-12-01T10:00:00Z"}]}""");
        foreach (var type in SegmentMapper.MessageTypes)
        {
            group.MapPost("/" + type, (HttpRequest request, IngestionService ingestion, TimeProvider time, CancellationToken ct) => SingleAsync(type, request, ingestion, time, ct))
                .WithName("Segment" + char.ToUpperInvariant(type[0]) + type[1..]).WithSummary($"Segment {type} call.")
                .DescribeIngestion<Contracts.SegmentMessage>("application/json", """{"userId":"42","event":"Order Completed","properties":{"revenue":89,"currency":"GBP"},"messageId":"m-2","timestamp":"2026-12-01T10:00:00Z"}""");
        }
        return app;
    }

    private static async Task<Results<Ok<Contracts.IngestSummary>, JsonHttpResult<Contracts.IngestSummary>, ProblemHttpResult>> BatchAsync(HttpRequest request, IngestionService ingestion, TimeProvider time, CancellationToken ct)
    {
        if (ingestion.BacklogRefusal() is { } refused) return ApiProblems.Overloaded(request.HttpContext, refused);
        using var body = await BodyJson.ReadAsync(request, ct);
        if (body.Error is { } error) return error;
        var root = body.Document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            return ApiProblems.Field("batch", "The body must be an object with a 'batch' array of messages.");
        }
        var count = batch.GetArrayLength();
        if (count == 0) return ApiProblems.Field("batch", "The batch holds no messages.");
        if (count > EventsApi.MaxBatch) return ApiProblems.Field("batch", $"At most {EventsApi.MaxBatch} messages per batch.");
        var now = time.GetUtcNow();
        return await EventsApi.IngestAsync(batch.EnumerateArray().ToList(), ingestion, ct, (m, prefix) => SegmentMapper.Map(m, null, "batch" + prefix, now), Security.IdentityVerifier.For(request.HttpContext), request.HttpContext);
    }

    private static async Task<Results<Ok<Contracts.IngestSummary>, JsonHttpResult<Contracts.IngestSummary>, ProblemHttpResult>> SingleAsync(string type, HttpRequest request, IngestionService ingestion, TimeProvider time, CancellationToken ct)
    {
        using var body = await BodyJson.ReadAsync(request, ct);
        if (body.Error is { } error) return error;
        var now = time.GetUtcNow();
        return await EventsApi.IngestAsync([body.Document!.RootElement], ingestion, ct, (m, _) => SegmentMapper.Map(m, type, "", now), Security.IdentityVerifier.For(request.HttpContext), request.HttpContext);
    }
}
