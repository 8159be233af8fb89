using System.Text.Json;
using PersonalizationEngine.Gateway.Ingest;
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
        var group = app.MapGroup("/v1").WithTags("Segment-compatible ingestion").RequireAuthorization("ingest").RequireRateLimiting(Hosting.EngineHostingExtensions.IngestPolicy);
        group.MapPost("/batch", BatchAsync).WithSummary("Segment batch: {batch: [messages]}.");
        foreach (var type in SegmentMapper.MessageTypes)
        {
            group.MapPost("/" + type, (HttpRequest request, IngestionService ingestion, TimeProvider time, CancellationToken ct) => SingleAsync(type, request, ingestion, time, ct))
                .WithSummary($"Segment {type} call.");
        }
        return app;
    }

    private static async Task<IResult> BatchAsync(HttpRequest request, IngestionService ingestion, TimeProvider time, CancellationToken ct)
    {
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
        return await EventsApi.IngestAsync(batch.EnumerateArray().ToList(), ingestion, ct, (m, prefix) => SegmentMapper.Map(m, null, "batch" + prefix, now), Security.IdentityVerifier.For(request.HttpContext));
    }

    private static async Task<IResult> SingleAsync(string type, HttpRequest request, IngestionService ingestion, TimeProvider time, CancellationToken ct)
    {
        using var body = await BodyJson.ReadAsync(request, ct);
        if (body.Error is { } error) return error;
        var now = time.GetUtcNow();
        return await EventsApi.IngestAsync([body.Document!.RootElement], ingestion, ct, (m, _) => SegmentMapper.Map(m, type, "", now), Security.IdentityVerifier.For(request.HttpContext));
    }
}
