using PersonalizationEngine.Domain.Events;
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
    public static IResult From(int total, IReadOnlyDictionary<int, List<ValidationError>> parseErrors, IngestBatchResult ingested, IReadOnlyList<int> indexMap, bool segmentStyle = false,
        IReadOnlyDictionary<int, IReadOnlyList<PersonalizationEngine.Domain.Identity.DroppedIdentifier>>? dropped = null)
    {
        var items = new object[total];
        var accepted = 0;
        var duplicates = 0;
        var rejected = new List<ValidationError>();
        foreach (var (index, errs) in parseErrors)
        {
            items[index] = new { index, status = "rejected", errors = errs.Select(e => new { field = e.Field, message = e.Message }) };
            rejected.AddRange(errs);
        }
        for (var k = 0; k < ingested.Items.Count; k++)
        {
            var r = ingested.Items[k];
            var index = indexMap[k];
            var status = r.Status switch { IngestStatus.Accepted => "accepted", IngestStatus.Duplicate => "duplicate", _ => "rejected" };
            if (r.Status == IngestStatus.Accepted) accepted++;
            if (r.Status == IngestStatus.Duplicate) duplicates++;
            var errs = r.Errors.Select(e => new ValidationError($"[{index}].{e.Field}", e.Message)).ToList();
            var droppedHere = dropped?.GetValueOrDefault(index) is { } before ? [.. before, .. r.DroppedIdentifiers] : r.DroppedIdentifiers;
            rejected.AddRange(errs);
            items[index] = new
            {
                index,
                eventId = r.EventId,
                status,
                profileId = r.ProfileId,
                errors = errs.Count == 0 ? null : errs.Select(e => new { field = e.Field, message = e.Message }),
                droppedIdentifiers = droppedHere.Count == 0 ? null : droppedHere.Select(d => new { type = d.Type, reason = d.Reason }),
            };
        }
        var rejectedCount = total - accepted - duplicates;
        if (total > 0 && rejectedCount == total)
        {
            return ApiProblems.Validation(rejected, $"All {total} events were rejected; nothing was stored.");
        }
        var body = new { success = true, accepted, duplicates, rejected = rejectedCount, results = items };
        return rejectedCount == 0 ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status207MultiStatus);
    }
}
