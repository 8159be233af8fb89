using System.Text.Json;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Ingest;

/// <summary>
/// Reads native events (<c>POST /api/v1/events</c>, <c>/api/v1/events/stream</c>):
/// <c>{eventId, identifiers: {type: value}, channel, type, timestamp, properties}</c>. Type errors are
/// reported per item and field (<c>[3].identifiers.email</c>) so one bad item never sinks the batch.
/// </summary>
internal static class NativeEventReader
{
    public static (RawEvent? Event, List<ValidationError> Errors) Read(JsonElement e, string prefix)
    {
        var errors = new List<ValidationError>();
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(prefix.TrimEnd('.'), "Each event must be a JSON object."));
            return (null, errors);
        }
        string? Str(string name)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            errors.Add(new(prefix + name, $"{name} must be a string."));
            return null;
        }
        var raw = new RawEvent
        {
            EventId = Str("eventId"),
            Channel = Str("channel"),
            Type = Str("type"),
            Timestamp = Str("timestamp"),
            Identifiers = ReadIdentifiers(e, prefix, errors),
            Properties = e.TryGetProperty("properties", out var props) ? JsonProperties.Read(props, prefix + "properties", errors) : null,
        };
        return (errors.Count == 0 ? raw : null, errors);
    }

    private static Dictionary<string, string?>? ReadIdentifiers(JsonElement e, string prefix, List<ValidationError> errors)
    {
        if (!e.TryGetProperty("identifiers", out var ids) || ids.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (ids.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(prefix + "identifiers", "identifiers must be an object of type → value."));
            return null;
        }
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in ids.EnumerateObject())
        {
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.String: result[p.Name] = p.Value.GetString(); break;
                case JsonValueKind.Number: result[p.Name] = p.Value.GetRawText(); break;
                default: errors.Add(new(prefix + "identifiers." + p.Name, "An identifier value must be a string.")); break;
            }
        }
        return result;
    }
}
