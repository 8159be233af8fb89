using System.Text;
using System.Text.Json;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Ingest;

/// <summary>
/// Maps Segment HTTP Tracking API messages (track, identify, page, screen, alias, group; as sent by
/// analytics.js, @segment/analytics-node and RudderStack SDKs) to native events. Semantic e-commerce event
/// names map to canonical types (<c>Order Completed</c> → purchase); other track names become custom types in
/// snake_case (kept and counted). <c>messageId</c> is the event id, so SDK retries deduplicate.
/// </summary>
internal static class SegmentMapper
{
    private static readonly Dictionary<string, string> TrackNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Product Viewed"] = EventTypes.ProductView,
        ["Product Added"] = EventTypes.AddToCart,
        ["Product Removed"] = EventTypes.RemoveFromCart,
        ["Checkout Started"] = EventTypes.Checkout,
        ["Order Completed"] = EventTypes.Purchase,
        ["Order Refunded"] = EventTypes.Refund,
        ["Products Searched"] = EventTypes.Search,
        ["Signed Up"] = EventTypes.Signup,
        ["Signed In"] = EventTypes.Login,
        ["Email Opened"] = EventTypes.EmailOpen,
        ["Email Link Clicked"] = EventTypes.EmailClick,
        ["Unsubscribed"] = EventTypes.Unsubscribe,
        ["Application Opened"] = EventTypes.AppOpen,
        ["Promotion Viewed"] = EventTypes.OfferImpression,
        ["Promotion Clicked"] = EventTypes.OfferClick,
        ["Review Submitted"] = EventTypes.Review,
        ["Complaint Filed"] = EventTypes.Complaint,
        ["Ticket Created"] = EventTypes.SupportTicket,
    };

    public static readonly IReadOnlySet<string> MessageTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "track", "identify", "page", "screen", "alias", "group",
    };

    /// <summary>Maps one message; <paramref name="forcedType"/> is the route's type (/v1/track etc.), null for /v1/batch.</summary>
    public static (RawEvent? Event, List<ValidationError> Errors) Map(JsonElement m, string? forcedType, string prefix, DateTimeOffset receivedAt)
    {
        var errors = new List<ValidationError>();
        if (m.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(prefix.TrimEnd('.'), "Each message must be a JSON object."));
            return (null, errors);
        }
        string? Str(JsonElement o, string name, string? field = null)
        {
            if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            if (v.ValueKind == JsonValueKind.Number) return v.GetRawText();
            errors.Add(new(field ?? prefix + name, $"{name} must be a string."));
            return null;
        }

        var type = forcedType ?? Str(m, "type");
        if (type is null || !MessageTypes.Contains(type))
        {
            errors.Add(new(prefix + "type", "type must be one of track, identify, page, screen, alias, group."));
            return (null, errors);
        }
        m.TryGetProperty("context", out var context);
        if (context.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            errors.Add(new(prefix + "context", "context must be an object."));
        }
        m.TryGetProperty("traits", out var traits);
        if (traits.ValueKind != JsonValueKind.Object && context.ValueKind == JsonValueKind.Object)
        {
            context.TryGetProperty("traits", out traits);
        }

        var ids = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (Str(m, "userId") is { } userId) ids["user_id"] = userId;
        if (Str(m, "anonymousId") is { } anon) ids["anonymous_id"] = anon;
        if (type == "alias" && Str(m, "previousId") is { } previous) ids["anonymous_id"] = previous;
        if (traits.ValueKind == JsonValueKind.Object)
        {
            if (Str(traits, "email", prefix + "traits.email") is { } email) ids["email"] = email;
            if (Str(traits, "phone", prefix + "traits.phone") is { } phone) ids["phone"] = phone;
        }
        if (context.ValueKind == JsonValueKind.Object && context.TryGetProperty("device", out var device) && device.ValueKind == JsonValueKind.Object
            && Str(device, "id", prefix + "context.device.id") is { } deviceId)
        {
            ids["device_id"] = deviceId;
        }
        if (ids.Count == 0)
        {
            errors.Add(new(prefix + "userId", "userId or anonymousId is required."));
        }

        var properties = new EventProperties();
        string canonical;
        switch (type)
        {
            case "track":
                var name = Str(m, "event");
                if (string.IsNullOrWhiteSpace(name))
                {
                    errors.Add(new(prefix + "event", "event (the track name) is required."));
                    return (null, errors);
                }
                canonical = TrackNames.TryGetValue(name.Trim(), out var known) ? known : SnakeCase(name);
                properties.Set("event_name", name);
                break;
            case "page":
                canonical = EventTypes.PageView;
                if (Str(m, "name") is { } pageName) properties.Set("page_name", pageName);
                break;
            case "screen":
                canonical = EventTypes.ScreenView;
                if (Str(m, "name") is { } screenName) properties.Set("screen_name", screenName);
                break;
            case "identify":
                canonical = EventTypes.ProfileUpdate;
                break;
            case "group":
                canonical = "group";
                if (Str(m, "groupId") is { } groupId) properties.Set("group_id", groupId);
                break;
            default:
                canonical = "alias";
                break;
        }
        if (m.TryGetProperty("properties", out var props))
        {
            JsonProperties.Read(props, prefix + "properties", errors, properties);
        }
        if (type is "identify" or "group" && traits.ValueKind == JsonValueKind.Object)
        {
            foreach (var t in traits.EnumerateObject())
            {
                if (t.Value.ValueKind == JsonValueKind.String && t.Name is not ("email" or "phone")) properties.Set(SnakeCase(t.Name), t.Value.GetString()!);
                else if (t.Value.ValueKind == JsonValueKind.Number && t.Value.TryGetDecimal(out var n)) properties.Set(SnakeCase(t.Name), n);
            }
        }
        // Segment's e-commerce spec names: revenue/total → amount; products → items (read above).
        if (properties.Number("amount") is null && (properties.Number("revenue") ?? properties.Number("total")) is { } amount) properties.Set("amount", amount);

        var channel = ChannelOf(context, m, Str);
        var timestamp = Str(m, "timestamp") ?? Str(m, "originalTimestamp") ?? receivedAt.ToString("O");
        var messageId = Str(m, "messageId") ?? DerivedId(m);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new RawEvent
        {
            EventId = messageId,
            Type = canonical,
            Channel = channel,
            Timestamp = timestamp,
            Identifiers = ids,
            Properties = properties,
        }, errors);
    }

    private static string ChannelOf(JsonElement context, JsonElement m, Func<JsonElement, string, string?, string?> str)
    {
        var explicitChannel = (context.ValueKind == JsonValueKind.Object ? str(context, "channel", null) : null) ?? str(m, "channel", null);
        if (ChannelNames.TryParse(explicitChannel, out var c)) return ChannelNames.ToWire(c);
        return explicitChannel?.ToLowerInvariant() switch
        {
            "mobile" => "app",
            _ => "web", // browser, server and unknown sources are web traffic by default
        };
    }

    /// <summary>A stable id for a message that has none, so an identical resend still deduplicates.</summary>
    private static string DerivedId(JsonElement m) =>
        "seg-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(m.GetRawText())))[..32];

    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        var lastUnderscore = true;
        for (var i = 0; i < name.Length; i++)
        {
            var ch = name[i];
            if (char.IsLetterOrDigit(ch))
            {
                if (char.IsUpper(ch) && i > 0 && char.IsLower(name[i - 1]) && !lastUnderscore) sb.Append('_');
                sb.Append(char.ToLowerInvariant(ch));
                lastUnderscore = false;
            }
            else if (!lastUnderscore)
            {
                sb.Append('_');
                lastUnderscore = true;
            }
        }
        return sb.ToString().TrimEnd('_');
    }
}
