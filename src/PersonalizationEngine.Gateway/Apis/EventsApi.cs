using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Ingest;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Native ingestion: a JSON array of events, or NDJSON for continuous streams.</summary>
internal static class EventsApi
{
    public const int MaxBatch = 10_000;

    private const string Example = """[{"eventId":"e-1","identifiers":{"user_id":"42","email":"ann@example.com"},"channel":"web","type":"product_view","timestamp":"2026-12-01T10:00:00Z","properties":{"category":"shoes","price":89}}]""";

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/events").WithTags("Ingestion").RequireScope(ApiScopes.Ingest).RequireRateLimiting(Hosting.EngineHostingExtensions.IngestPolicy);
        // The body is read as a document, item by item, not bound as a whole: one bad item is reported against its
        // own fields ([3].identifiers.email) and never sinks the batch (the contract's 207).
        group.MapPost("", IngestArrayAsync).WithName("IngestEvents").WithSummary("Ingest a JSON array of events (per-item results).")
            .DescribeIngestion<NativeEvent[]>("application/json", Example);
        group.MapPost("/stream", IngestStreamAsync).WithName("IngestEventStream").WithSummary("Ingest newline-delimited JSON events (NDJSON).")
            .DescribeIngestion<NativeEvent>("application/x-ndjson", Example[1..^1]);
        return app;
    }

    private static async Task<Results<Ok<IngestSummary>, JsonHttpResult<IngestSummary>, ProblemHttpResult>> IngestArrayAsync(HttpRequest request, IngestionService ingestion, CancellationToken ct)
    {
        if (ingestion.BacklogRefusal() is { } refused) return ApiProblems.Overloaded(request.HttpContext, refused);
        using var doc = await BodyJson.ReadAsync(request, ct);
        if (doc.Error is { } error) return error;
        var root = doc.Document!.RootElement;
        var identity = Security.IdentityVerifier.For(request.HttpContext);
        if (root.ValueKind == JsonValueKind.Object) return await IngestAsync([root], ingestion, ct, identity: identity, http: request.HttpContext);
        if (root.ValueKind != JsonValueKind.Array) return ApiProblems.Field("body", "The body must be a JSON array of events.");
        var count = root.GetArrayLength();
        if (count == 0) return ApiProblems.Field("body", "The array holds no events.");
        if (count > MaxBatch) return ApiProblems.Field("body", $"At most {MaxBatch} events per request.");
        return await IngestAsync(root.EnumerateArray().ToList(), ingestion, ct, identity: identity, http: request.HttpContext);
    }

    private static async Task<Results<Ok<IngestSummary>, JsonHttpResult<IngestSummary>, ProblemHttpResult>> IngestStreamAsync(HttpRequest request, IngestionService ingestion, CancellationToken ct)
    {
        // Lines are parsed as they arrive and ingested in chunks, so a long stream never sits in memory whole.
        var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024, leaveOpen: true);
        var parseErrors = new Dictionary<int, List<ValidationError>>();
        var accepted = 0; var duplicates = 0; var rejected = 0; var line = 0;
        var results = new List<IngestItem>();
        var chunk = new List<(int Index, RawEvent Event)>();
        var identity = Security.IdentityVerifier.For(request.HttpContext);
        async Task FlushAsync()
        {
            if (chunk.Count == 0) return;
            var r = await ingestion.IngestAsync(chunk.Select(c => c.Event).ToList(), WaitForApplied(request), ct);
            for (var k = 0; k < r.Items.Count; k++)
            {
                var item = r.Items[k];
                if (item.Status == IngestStatus.Accepted) accepted++;
                else if (item.Status == IngestStatus.Duplicate) duplicates++;
                else
                {
                    rejected++;
                    results.Add(new IngestItem(chunk[k].Index, item.EventId, "rejected", null, item.Errors.Select(e => new FieldError($"[{chunk[k].Index}].{e.Field}", e.Message)).ToArray(), null));
                }
                if (item.Status != IngestStatus.Rejected && identity?.Dropped.GetValueOrDefault(chunk[k].Index) is { } dropped)
                {
                    results.Add(new IngestItem(chunk[k].Index, item.EventId, item.Status == IngestStatus.Accepted ? "accepted" : "duplicate", item.ProfileId, null,
                        [.. dropped.Select(d => new DroppedIdentifierView(d.Type, d.Reason))]));
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
                results.Add(new IngestItem(index, null, "rejected", null, [new FieldError($"[{index}]", "Line longer than 256 KB.")], null));
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
                    results.Add(new IngestItem(index, null, "rejected", null, IngestResponses.Errors(errors), null));
                    continue;
                }
                chunk.Add((index, raw));
            }
            catch (JsonException ex)
            {
                rejected++;
                results.Add(new IngestItem(index, null, "rejected", null, [new FieldError($"[{index}]", "Not valid JSON: " + ex.Message)], null));
            }
            if (chunk.Count >= 1000) await FlushAsync();
        }
        await FlushAsync();
        if (line == 0) return ApiProblems.Field("body", "The stream holds no events.");
        if (rejected == line) return ApiProblems.Validation([new("body", $"All {line} events were rejected; nothing was stored.")]);
        return IngestResponses.Answer(new IngestSummary(true, accepted, duplicates, rejected, results, WaitForApplied(request) || !ingestion.LogFirst ? "applied" : "durable"));
    }

    /// <param name="identity">For a browser key: drops the person identifiers it cannot prove, before ingestion (issue 20).</param>
    internal static async Task<Results<Ok<IngestSummary>, JsonHttpResult<IngestSummary>, ProblemHttpResult>> IngestAsync(IReadOnlyList<JsonElement> elements, IngestionService ingestion, CancellationToken ct, Func<JsonElement, string, (RawEvent?, List<ValidationError>)>? map = null, Security.BrowserIdentityFilter? identity = null, HttpContext? http = null)
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
        var wait = http is not null && WaitForApplied(http.Request);
        var result = valid.Count == 0 ? new IngestBatchResult([]) : await ingestion.IngestAsync(valid, wait, ct);
        return IngestResponses.From(elements.Count, parseErrors, result, indexMap, dropped: identity?.Dropped, applied: wait || !ingestion.LogFirst);
    }

    /// <summary>
    /// <c>?wait=applied</c>: answer once the events are applied to their profiles (exact outcomes: profile id, duplicate),
    /// instead of once they are durable in the ingest log (log-first ingestion, the default on one node).
    /// </summary>
    internal static bool WaitForApplied(HttpRequest request) =>
        request.Query.TryGetValue("wait", out var wait) && string.Equals(wait.ToString(), "applied", StringComparison.OrdinalIgnoreCase);
}
