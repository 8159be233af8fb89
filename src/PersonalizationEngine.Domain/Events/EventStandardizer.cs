using System.Globalization;

namespace PersonalizationEngine.Domain.Events;

/// <summary>
/// Validates and standardises a <see cref="RawEvent"/> (issue 3 "Validation and standardisation"). Pure:
/// the receipt time is passed in. Every error names its field so the gateway can build RFC 9457 problem details.
/// </summary>
public sealed class EventStandardizer(EventValidationOptions options)
{
    public EventStandardizer() : this(new EventValidationOptions()) { }

    public EventValidationOptions Options => options;

    public StandardizeResult Standardize(RawEvent raw, DateTimeOffset receivedAt)
    {
        var errors = new List<ValidationError>();

        var eventId = raw.EventId?.Trim();
        if (string.IsNullOrEmpty(eventId)) errors.Add(new("eventId", "eventId is required."));
        else if (eventId.Length > options.MaxEventIdLength) errors.Add(new("eventId", $"eventId is longer than {options.MaxEventIdLength} characters."));

        var type = raw.Type?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(type)) errors.Add(new("type", "type is required."));
        else if (type.Length > 64) errors.Add(new("type", "type is longer than 64 characters."));

        var channel = Channel.Web;
        if (string.IsNullOrWhiteSpace(raw.Channel)) errors.Add(new("channel", "channel is required."));
        else if (!ChannelNames.TryParse(raw.Channel, out channel)) errors.Add(new("channel", $"Unknown channel '{Clip(raw.Channel)}'."));

        var timestamp = ParseTimestamp(raw.Timestamp, receivedAt, errors);
        var identifiers = StandardizeIdentifiers(raw.Identifiers, errors);
        var properties = raw.Properties ?? new EventProperties();
        ValidateProperties(properties, errors);

        if (errors.Count > 0) return new StandardizeResult(null, errors);
        return new StandardizeResult(new CustomerEvent
        {
            EventId = eventId!,
            Identifiers = identifiers,
            Channel = channel,
            Type = type!,
            Timestamp = timestamp,
            ReceivedAt = receivedAt,
            Properties = properties,
        }, errors);
    }

    private DateTimeOffset ParseTimestamp(string? text, DateTimeOffset receivedAt, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(new("timestamp", "timestamp is required (ISO 8601 with a zone, e.g. 2026-11-24T10:00:00Z)."));
            return default;
        }
        text = text.Trim();
        // A zone is required: a bare local time means a different instant in every region (issue 3).
        var hasZone = text.EndsWith('Z') || text.EndsWith('z') ||
            (text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':') ||
            (text.Length > 5 && (text[^5] is '+' or '-') && text.IndexOf('T') > 0 && text[^5..].Skip(1).All(char.IsAsciiDigit));
        // Not a date-time at all is said first: "not-a-time" is not a time without a zone (issue 17).
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var ts))
        {
            errors.Add(new("timestamp", "timestamp is not a valid ISO 8601 date-time (e.g. 2026-11-24T10:00:00Z)."));
            return default;
        }
        if (!hasZone)
        {
            errors.Add(new("timestamp", "timestamp must carry a zone ('Z' or an offset such as +01:00)."));
            return default;
        }
        if (ts < receivedAt - options.MaxAge)
            errors.Add(new("timestamp", $"timestamp is more than {options.MaxAge.TotalDays:0} days before receipt; rejected as absurd."));
        else if (ts > receivedAt + options.MaxFuture)
            errors.Add(new("timestamp", $"timestamp is more than {options.MaxFuture.TotalHours:0} hours in the future; rejected as absurd."));
        return ts;
    }

    /// <summary>
    /// The standard form of one identifier value (e-mail lower case, phone E.164, others trimmed), or null when
    /// it is not valid for its type. <paramref name="type"/> is already lower case. Lookups by identifier use this
    /// so <c>email:A@B.com</c> finds what an event sent as <c>a@b.com</c>.
    /// </summary>
    public string? NormalizeIdentifier(string type, string rawValue) => type switch
    {
        "email" => IdentifierNormalizer.Email(rawValue, options.GmailDotRule),
        "phone" => IdentifierNormalizer.Phone(rawValue, options.DefaultCountryCallingCode),
        _ => rawValue.Trim(),
    };

    private Dictionary<string, string> StandardizeIdentifiers(Dictionary<string, string?>? raw, List<ValidationError> errors)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (raw is null || raw.Count == 0)
        {
            errors.Add(new("identifiers", "At least one identifier is required."));
            return result;
        }
        if (raw.Count > options.MaxIdentifiers)
        {
            errors.Add(new("identifiers", $"At most {options.MaxIdentifiers} identifiers are allowed."));
            return result;
        }
        foreach (var (rawType, rawValue) in raw)
        {
            var type = rawType.Trim().ToLowerInvariant();
            var field = "identifiers." + type;
            if (type.Length == 0 || type.Length > 64) { errors.Add(new("identifiers", "Identifier type must be 1 to 64 characters.")); continue; }
            if (string.IsNullOrWhiteSpace(rawValue)) { errors.Add(new(field, "Identifier value is empty.")); continue; }
            if (rawValue.Length > options.MaxStringLength) { errors.Add(new(field, $"Identifier is longer than {options.MaxStringLength} characters.")); continue; }
            var value = NormalizeIdentifier(type, rawValue);
            if (value is null)
            {
                errors.Add(new(field, type == "email"
                    ? "Not a valid e-mail address."
                    : "Not a valid phone number: use +<country code><number> (E.164)."));
                continue;
            }
            result[type] = value;
        }
        return result;
    }

    private void ValidateProperties(EventProperties p, List<ValidationError> errors)
    {
        if (p.Count > options.MaxProperties) errors.Add(new("properties", $"At most {options.MaxProperties} properties are allowed."));
        if (p.Strings is not null)
        {
            foreach (var (name, value) in p.Strings)
            {
                if (value.Length > options.MaxStringLength) errors.Add(new("properties." + name, $"Longer than {options.MaxStringLength} characters."));
            }
            if (p.Strings.TryGetValue("currency", out var currency))
            {
                var code = currency.Trim().ToUpperInvariant();
                if (!Currencies.IsValid(code)) errors.Add(new("properties.currency", $"'{Clip(currency)}' is not an ISO 4217 currency code."));
                else p.Strings["currency"] = code;
            }
        }
        if (p.Number("amount") is not null && p.String("currency") is null)
            errors.Add(new("properties.currency", "currency is required when amount is given."));
        if (p.Number("rating") is { } rating && (rating < 1 || rating > 5))
            errors.Add(new("properties.rating", "rating must be between 1 and 5."));
        if (p.Lists is not null)
        {
            foreach (var (name, list) in p.Lists)
            {
                if (list.Count > options.MaxProperties || list.Any(s => s.Length > options.MaxStringLength))
                    errors.Add(new("properties." + name, "List too long or an element too long."));
            }
        }
        if (p.Items is { } items)
        {
            if (items.Count > options.MaxProperties) errors.Add(new("properties.items", $"At most {options.MaxProperties} items are allowed."));
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].UnitPrice < 0) errors.Add(new($"properties.items[{i}].unitPrice", "unitPrice must not be negative."));
                if (string.IsNullOrEmpty(items[i].Sku)) errors.Add(new($"properties.items[{i}].sku", "sku is required."));
            }
        }
    }

    private static string Clip(string s) => s.Length <= 32 ? s : s[..32] + "…";
}
