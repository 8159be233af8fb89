using System.Globalization;
using System.Text.Json;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Segments;

/// <summary>
/// Parses the JSON condition language into a typed tree, e.g.
/// <c>{"all":[{"feature":"orders_90d","op":"&gt;=","value":3},{"attr":"country","op":"in","value":["GB","IE"]}]}</c>.
/// Nodes: <c>all</c>/<c>any</c> (arrays), <c>not</c> (object), leaves with one of <c>feature</c>, <c>attr</c>,
/// <c>segment</c>, <c>consent</c> plus <c>op</c> and <c>value</c>. Only data is accepted, never code.
/// </summary>
public sealed class ConditionParser(ConditionLimits limits)
{
    private static readonly Dictionary<string, ConditionOp> _ops = new(StringComparer.Ordinal)
    {
        ["="] = ConditionOp.Eq, ["=="] = ConditionOp.Eq, ["!="] = ConditionOp.Ne, ["<"] = ConditionOp.Lt,
        ["<="] = ConditionOp.Le, [">"] = ConditionOp.Gt, [">="] = ConditionOp.Ge, ["in"] = ConditionOp.In,
        ["not_in"] = ConditionOp.NotIn, ["exists"] = ConditionOp.Exists, ["contains"] = ConditionOp.Contains,
    };

    private int _nodes;

    public ConditionParser() : this(new ConditionLimits()) { }

    public static ConditionParseResult ParseJson(string json, ConditionLimits? limits = null) =>
        new ConditionParser(limits ?? new ConditionLimits()).Parse(json);

    public ConditionParseResult Parse(string json)
    {
        var errors = new List<ValidationError>();
        if (json.Length > limits.MaxJsonLength)
            return new(null, [new("$", $"Condition is larger than {limits.MaxJsonLength} characters.")]);
        try
        {
            // JSON depth is bounded by the reader too: each node is an object and each all/any an array.
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = limits.MaxDepth * 2 + 2 });
            _nodes = 0;
            var condition = ParseNode(doc.RootElement, "$", 1, errors);
            return errors.Count > 0 ? new(null, errors) : new(condition, errors);
        }
        catch (JsonException ex)
        {
            var msg = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"Condition is nested deeper than {limits.MaxDepth} levels."
                : "Condition is not valid JSON.";
            return new(null, [new("$", msg)]);
        }
    }

    private Condition? ParseNode(JsonElement e, string path, int depth, List<ValidationError> errors)
    {
        if (depth > limits.MaxDepth) { errors.Add(new(path, $"Condition is nested deeper than {limits.MaxDepth} levels.")); return null; }
        if (++_nodes > limits.MaxNodes) { errors.Add(new(path, $"Condition has more than {limits.MaxNodes} nodes.")); return null; }
        if (e.ValueKind != JsonValueKind.Object) { errors.Add(new(path, "Expected an object.")); return null; }
        if (e.TryGetProperty("all", out var all)) return ParseGroup(all, path + ".all", depth, errors, c => new AllCondition(c));
        if (e.TryGetProperty("any", out var any)) return ParseGroup(any, path + ".any", depth, errors, c => new AnyCondition(c));
        if (e.TryGetProperty("not", out var not))
        {
            var child = ParseNode(not, path + ".not", depth + 1, errors);
            return child is null ? null : new NotCondition(child);
        }
        return ParseLeaf(e, path, errors);
    }

    private Condition? ParseGroup(JsonElement array, string path, int depth, List<ValidationError> errors, Func<List<Condition>, Condition> make)
    {
        if (array.ValueKind != JsonValueKind.Array) { errors.Add(new(path, "Expected an array of conditions.")); return null; }
        var children = new List<Condition>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var child = ParseNode(item, $"{path}[{i++}]", depth + 1, errors);
            if (child is not null) children.Add(child);
        }
        return make(children);
    }

    private Condition? ParseLeaf(JsonElement e, string path, List<ValidationError> errors)
    {
        LeafSource source; string? name;
        if (Name(e, "feature") is { } f) (source, name) = (LeafSource.Feature, f);
        else if (Name(e, "attr") is { } a) (source, name) = (LeafSource.Attribute, a);
        else if (Name(e, "segment") is { } s) (source, name) = (LeafSource.Segment, s);
        else if (Name(e, "consent") is { } c) (source, name) = (LeafSource.Consent, c);
        else { errors.Add(new(path, "Expected one of all, any, not, feature, attr, segment, consent.")); return null; }
        if (name.Length is 0 or > 128) { errors.Add(new(path, "The name must be 1 to 128 characters.")); return null; }

        var op = ConditionOp.Eq;
        if (e.TryGetProperty("op", out var opElement))
        {
            if (opElement.ValueKind != JsonValueKind.String || !_ops.TryGetValue(opElement.GetString()!, out op))
            {
                errors.Add(new(path + ".op", $"Unknown operator; expected one of {string.Join(", ", _ops.Keys)}."));
                return null;
            }
        }
        else if (source is LeafSource.Feature or LeafSource.Attribute)
        {
            errors.Add(new(path + ".op", "op is required."));
            return null;
        }

        var leaf = new LeafCondition(source, name, op);
        var hasValue = e.TryGetProperty("value", out var v);
        if (op == ConditionOp.Exists) return leaf;
        if (source is LeafSource.Segment or LeafSource.Consent)
        {
            if (op is not (ConditionOp.Eq or ConditionOp.Ne) || (hasValue && v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)))
            {
                errors.Add(new(path + ".value", "segment and consent leaves take op = or != and a true/false value."));
                return null;
            }
            return leaf with { Flag = hasValue ? v.GetBoolean() : null };
        }
        if (!hasValue) { errors.Add(new(path + ".value", "value is required.")); return null; }
        if (op is ConditionOp.In or ConditionOp.NotIn)
        {
            if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > limits.MaxListLength)
            {
                errors.Add(new(path + ".value", $"in/not_in need an array of at most {limits.MaxListLength} values."));
                return null;
            }
            var list = new List<string>();
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Number) list.Add(item.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                else if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
                else { errors.Add(new(path + ".value", "List values must be numbers or strings.")); return null; }
            }
            return leaf with { List = list };
        }
        switch (v.ValueKind)
        {
            case JsonValueKind.Number: return leaf with { Number = v.GetDouble() };
            case JsonValueKind.String when source == LeafSource.Attribute: return leaf with { Text = v.GetString() };
            case JsonValueKind.True or JsonValueKind.False when source == LeafSource.Attribute: return leaf with { Flag = v.GetBoolean() };
            default:
                errors.Add(new(path + ".value", source == LeafSource.Feature ? "A feature compares with a number." : "Expected a number, string or boolean."));
                return null;
        }
    }

    private static string? Name(JsonElement e, string key) =>
        e.TryGetProperty(key, out var p) ? (p.ValueKind == JsonValueKind.String ? p.GetString() ?? "" : "") : null;
}
