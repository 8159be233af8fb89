using System.Text.Json;

namespace PersonalizationEngine.Baselines.NaiveLogger;

/// <summary>
/// Reads the engine's two ingest shapes into rows: the native array (<c>[{"eventId","identifiers","type","timestamp",...}]</c>)
/// and Segment's batch (<c>{"batch":[{"messageId","userId"|"anonymousId","type","event",...}]}</c>). A request is all or nothing:
/// the first event that lacks an id, a customer or a type makes the whole body invalid.
/// </summary>
public static class EventParser
{
    public static string? ParseNative(JsonElement root, List<LoggedEvent> events)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            return "body must be a JSON array of events";
        }

        var index = 0;
        foreach (var e in root.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                return $"event {index} is not an object";
            }

            var id = Str(e, "eventId");
            if (id is null)
            {
                return $"event {index} needs an 'eventId'";
            }

            string? user = null;
            if (e.TryGetProperty("identifiers", out var ids) && ids.ValueKind == JsonValueKind.Object)
            {
                user = Str(ids, "user_id") ?? Str(ids, "anonymous_id")
                    ?? ids.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Name + ":" + p.Value.GetString()).FirstOrDefault();
            }

            if (user is null)
            {
                return $"event {index} needs an 'identifiers' object with at least one identifier";
            }

            var type = Str(e, "type");
            if (type is null)
            {
                return $"event {index} needs a 'type'";
            }

            events.Add(new LoggedEvent(id, user, type, Str(e, "timestamp"), e.GetRawText()));
            index++;
        }

        return null;
    }

    public static string? ParseSegment(JsonElement root, List<LoggedEvent> events)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            return "body must be an object with a 'batch' array";
        }

        var index = 0;
        foreach (var m in batch.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object)
            {
                return $"message {index} is not an object";
            }

            var id = Str(m, "messageId");
            var user = Str(m, "userId") ?? Str(m, "anonymousId");
            var type = Str(m, "type");
            if (id is null || user is null || type is null)
            {
                return $"message {index} needs 'messageId', 'type' and 'userId' or 'anonymousId'";
            }

            // A track call's type is its event name, as the engine records it.
            events.Add(new LoggedEvent(id, user, type == "track" ? Str(m, "event") ?? type : type, Str(m, "timestamp"), m.GetRawText()));
            index++;
        }

        return null;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
