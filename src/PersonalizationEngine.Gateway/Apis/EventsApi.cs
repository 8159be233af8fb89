using System.Text;
using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Ingest;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Native ingestion: a JSON array of events, or NDJSON for continuous streams.</summary>
internal static class EventsApi
{
    public const int MaxBatch = 10_000;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/events").WithTags("Ingestion").RequireAuthorization("ingest").RequireRateLimiting(Hosting.EngineHostingExtensions.IngestPolicy);
        group.MapPost("", IngestArrayAsync).WithSummary("Ingest a JSON array of events (per-item results).");
        group.MapPost("/stream", IngestStreamAsync).WithSummary("Ingest newline-delimited JSON events (NDJSON).");
        return app;
    }

    private static async Task<IResult> IngestArrayAsync(HttpRequest request, IngestionService ingestion, CancellationToken ct)
    {
        using var doc = await BodyJson.ReadAsync(request, ct);
        if (doc.Error is { } error) return error;
        var root = doc.Document!.RootElement;
        var identity = Security.IdentityVerifier.For(request.HttpContext);
        if (root.ValueKind == JsonValueKind.Object) return await IngestAsync([root], ingestion, ct, identity: identity);
        if (root.ValueKind != JsonValueKind.Array) return ApiProblems.Field("body", "The body must be a JSON array of events.");
        var count = root.GetArrayLength();
        if (count == 0) return ApiProblems.Field("body", "The array holds no events.");
        if (count > MaxBatch) return ApiProblems.Field("body", $"At most {MaxBatch} events per request.");
        return await IngestAsync(root.EnumerateArray().ToList(), ingestion, ct, identity: identity);
    }

    private static async Task<IResult> IngestStreamAsync(HttpRequest request, IngestionService ingestion, CancellationToken ct)
    {
        // Lines are parsed as they arrive and ingested in chunks, so a long stream never sits in memory whole.
        var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        var parseErrors = new Dictionary<int, List<ValidationError>>();
        var accepted = 0; var duplicates = 0; var rejected = 0; var line = 0;
        var results = new List<object>();
        var chunk = new List<(int Index, RawEvent Event)>();
        var identity = Security.IdentityVerifier.For(request.HttpContext);
        async Task FlushAsync()
        {
            if (chunk.Count == 0) return;
            var r = await ingestion.IngestAsync(chunk.Select(c => c.Event).ToList(), ct);
            for (var k = 0; k < r.Items.Count; k++)
            {
                var item = r.Items[k];
                if (item.Status == IngestStatus.Accepted) accepted++;
                else if (item.Status == IngestStatus.Duplicate) duplicates++;
                else
                {
                    rejected++;
                    results.Add(new { index = chunk[k].Index, eventId = item.EventId, status = "rejected", errors = item.Errors.Select(e => new { field = $"[{chunk[k].Index}].{e.Field}", message = e.Message }) });
                }
                if (item.Status != IngestStatus.Rejected && identity?.Dropped.GetValueOrDefault(chunk[k].Index) is { } dropped)
                {
                    results.Add(new { index = chunk[k].Index, eventId = item.EventId, status = item.Status == IngestStatus.Accepted ? "accepted" : "duplicate", droppedIdentifiers = dropped.Select(d => new { type = d.Type, reason = d.Reason }) });
                }
            }
            chunk.Clear();
        }
        string? text;
        while ((text = await reader.ReadLineAsync(ct)) is not null)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            var index = line++;
            if (text.Length > 256 * 1024)
            {
                rejected++;
                results.Add(new { index, status = "rejected", errors = new[] { new { field = $"[{index}]", message = "Line longer than 256 KB." } } });
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 32 });
                var (raw, errors) = NativeEventReader.Read(doc.RootElement, $"[{index}].");
                if (raw is not null && identity is not null) (raw, errors) = identity.Apply(index, doc.RootElement, raw!, $"[{index}].");
                if (raw is null)
                {
                    rejected++;
                    results.Add(new { index, status = "rejected", errors = errors.Select(e => new { field = e.Field, message = e.Message }) });
                    continue;
                }
                chunk.Add((index, raw));
            }
            catch (JsonException ex)
            {
                rejected++;
                results.Add(new { index, status = "rejected", errors = new[] { new { field = $"[{index}]", message = "Not valid JSON: " + ex.Message } } });
            }
            if (chunk.Count >= 1000) await FlushAsync();
        }
        await FlushAsync();
        if (line == 0) return ApiProblems.Field("body", "The stream holds no events.");
        if (rejected == line) return ApiProblems.Validation([new("body", $"All {line} events were rejected; nothing was stored.")]);
        var body = new { success = true, accepted, duplicates, rejected, results };
        return rejected == 0 ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status207MultiStatus);
    }

    /// <param name="identity">For a browser key: drops the person identifiers it cannot prove, before ingestion (issue 20).</param>
    internal static async Task<IResult> IngestAsync(IReadOnlyList<JsonElement> elements, IngestionService ingestion, CancellationToken ct, Func<JsonElement, string, (RawEvent?, List<ValidationError>)>? map = null, Security.BrowserIdentityFilter? identity = null)
    {
        map ??= NativeEventReader.Read;
        var parseErrors = new Dictionary<int, List<ValidationError>>();
        var valid = new List<RawEvent>(elements.Count);
        var indexMap = new List<int>(elements.Count);
        for (var i = 0; i < elements.Count; i++)
        {
            var (raw, errors) = map(elements[i], $"[{i}].");
            if (raw is not null && identity is not null) (raw, errors) = identity.Apply(i, elements[i], raw!, $"[{i}].");
            if (raw is null) parseErrors[i] = errors;
            else { valid.Add(raw); indexMap.Add(i); }
        }
        var result = valid.Count == 0 ? new IngestBatchResult([]) : await ingestion.IngestAsync(valid, ct);
        return IngestResponses.From(elements.Count, parseErrors, result, indexMap, dropped: identity?.Dropped);
    }
}
