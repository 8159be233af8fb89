using System.Globalization;
using System.Text.Json;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Ingest;

/// <summary>
/// Reads a free-form JSON <c>properties</c> object into the engine's typed <see cref="EventProperties"/>:
/// numbers and booleans (1/0) as numbers, strings as strings, arrays of scalars as string lists, <c>items</c>
/// or <c>products</c> arrays of objects as line items, nested objects flattened one level (<c>a.b</c>).
/// Anything else is reported against its field.
/// </summary>
internal static class JsonProperties
{
    /// <summary>Properties the domain reads as numbers: a string there must hold a number ("12.50" is fine, "x" is an error).</summary>
    private static readonly HashSet<string> NumericNames = new(StringComparer.Ordinal)
    {
        "amount", "revenue", "total", "price", "quantity", "rating", "value", "discount", "tax", "shipping",
    };

    public static EventProperties Read(JsonElement obj, string field, List<ValidationError> errors, EventProperties? into = null)
    {
        var p = into ?? new EventProperties();
        if (obj.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return p;
        }
        if (obj.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(field, "properties must be a JSON object."));
            return p;
        }
        foreach (var prop in obj.EnumerateObject())
        {
            ReadValue(p, prop.Name, prop.Value, field + "." + prop.Name, errors, depth: 0);
        }
        return p;
    }

    private static void ReadValue(EventProperties p, string name, JsonElement value, string field, List<ValidationError> errors, int depth)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetDecimal(out var d)) p.Set(name, d);
                else errors.Add(new(field, "Number is out of range."));
                break;
            case JsonValueKind.True:
                p.Set(name, 1m);
                break;
            case JsonValueKind.False:
                p.Set(name, 0m);
                break;
            case JsonValueKind.String when NumericNames.Contains(name):
                if (decimal.TryParse(value.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed)) p.Set(name, parsed);
                else errors.Add(new(field, $"{name} must be a number."));
                break;
            case JsonValueKind.String:
                p.Set(name, value.GetString()!);
                break;
            case JsonValueKind.Null:
                break;
            case JsonValueKind.Array when name is "items" or "products" && value.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object):
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var line = ReadLine(item, $"{field}[{i++}]", errors);
                    if (line is not null) p.Add(line);
                }
                break;
            case JsonValueKind.Array:
                var list = new List<string>();
                foreach (var e in value.EnumerateArray())
                {
                    if (e.ValueKind is JsonValueKind.String) list.Add(e.GetString()!);
                    else if (e.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) list.Add(e.GetRawText());
                    else { errors.Add(new(field, "Arrays may hold only strings, numbers or booleans (or objects under 'items'/'products').")); return; }
                }
                p.Set(name, list);
                break;
            case JsonValueKind.Object when depth == 0:
                foreach (var inner in value.EnumerateObject())
                {
                    ReadValue(p, name + "." + inner.Name, inner.Value, field + "." + inner.Name, errors, depth + 1);
                }
                break;
            default:
                errors.Add(new(field, "Nested objects are allowed one level deep only."));
                break;
        }
    }

    private static LineItem? ReadLine(JsonElement item, string field, List<ValidationError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(field, "A line item must be an object."));
            return null;
        }
        string? Str(params string[] names)
        {
            foreach (var n in names)
            {
                if (item.TryGetProperty(n, out var v))
                {
                    if (v.ValueKind == JsonValueKind.String) return v.GetString();
                    if (v.ValueKind == JsonValueKind.Number) return v.GetRawText();
                }
            }
            return null;
        }
        decimal? Num(params string[] names)
        {
            foreach (var n in names)
            {
                if (!item.TryGetProperty(n, out var v)) continue;
                if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var d)) return d;
                if (v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out d)) return d;
                errors.Add(new(field + "." + n, "Must be a number."));
                return null;
            }
            return null;
        }
        return new LineItem
        {
            Sku = Str("sku", "product_id", "productId", "id") ?? "",
            Category = Str("category"),
            Brand = Str("brand"),
            Quantity = Num("quantity", "qty") ?? 1,
            UnitPrice = Num("price", "unitPrice", "unit_price") ?? 0,
        };
    }
}
