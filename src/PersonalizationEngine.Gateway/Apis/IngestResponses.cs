using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Turns per-item ingestion results (plus items that failed to parse) into one HTTP answer.</summary>
internal static class IngestResponses
{
    /// <summary>
    /// 200 when every item was accepted (or a duplicate), 207 with per-item results when some were rejected,
    /// 400 problem details when none was accepted. Rejected items store nothing.
    /// </summary>
    /// <param name="dropped">Identifiers the gateway dropped before ingestion (unverified, from a browser source), by item index.</param>
    public static Results<Ok<IngestSummary>, JsonHttpResult<IngestSummary>, ProblemHttpResult> From(int total, IReadOnlyDictionary<int, List<ValidationError>> parseErrors, IngestBatchResult ingested, IReadOnlyList<int> indexMap,
        IReadOnlyDictionary<int, IReadOnlyList<PersonalizationEngine.Domain.Identity.DroppedIdentifier>>? dropped = null, bool applied = true)
    {
        var items = new IngestItem[total];
        var accepted = 0;
        var duplicates = 0;
        var rejected = new List<ValidationError>();
        foreach (var (index, errs) in parseErrors)
        {
            items[index] = new IngestItem(index, null, "rejected", null, Errors(errs), null);
            rejected.AddRange(errs);
        }
        for (var k = 0; k < ingested.Items.Count; k++)
        {
            var r = ingested.Items[k];
            var index = indexMap[k];
            var status = r.Status switch { IngestStatus.Accepted => "accepted", IngestStatus.Duplicate => "duplicate", _ => "rejected" };
            if (r.Status == IngestStatus.Accepted) accepted++;
            if (r.Status == IngestStatus.Duplicate) duplicates++;
            // The common item (accepted, nothing dropped) allocates nothing but its own record.
            List<ValidationError>? errs = r.Errors.Count == 0 ? null : r.Errors.Select(e => new ValidationError($"[{index}].{e.Field}", e.Message)).ToList();
            var droppedHere = dropped?.GetValueOrDefault(index) is { } before ? [.. before, .. r.DroppedIdentifiers] : r.DroppedIdentifiers;
            if (errs is not null) rejected.AddRange(errs);
            items[index] = new IngestItem(index, r.EventId, status, r.ProfileId,
                errs is null ? null : Errors(errs),
                droppedHere.Count == 0 ? null : droppedHere.Select(d => new DroppedIdentifierView(d.Type, d.Reason)).ToArray());
        }
        var rejectedCount = total - accepted - duplicates;
        if (total > 0 && rejectedCount == total)
        {
            return ApiProblems.Validation(rejected, $"All {total} events were rejected; nothing was stored.");
        }
        return Answer(new IngestSummary(true, accepted, duplicates, rejectedCount, items, applied ? "applied" : "durable"));
    }

    /// <summary>200 when nothing was rejected, else 207 Multi-Status with the same body.</summary>
    public static Results<Ok<IngestSummary>, JsonHttpResult<IngestSummary>, ProblemHttpResult> Answer(IngestSummary body) =>
        body.Rejected == 0 ? TypedResults.Ok(body) : TypedResults.Json(body, statusCode: StatusCodes.Status207MultiStatus);

    public static FieldError[] Errors(IEnumerable<ValidationError> errors) => errors.Select(e => new FieldError(e.Field, e.Message)).ToArray();

    /// <summary>The OpenAPI description every ingestion route shares: its body, 200/207 answers and its problems.</summary>
    public static RouteHandlerBuilder DescribeIngestion<TBody>(this RouteHandlerBuilder route, string contentType, string example) where TBody : notnull =>
        route.WithMetadata(new Validation.DocumentedBodyMetadata(typeof(TBody), contentType))
            .Produces<IngestSummary>(StatusCodes.Status207MultiStatus)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new Validation.RequestExampleMetadata(example));
}
