using System.Text.Json;
using System.Text.RegularExpressions;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Grains.Catalog;

/// <summary>A marketer-defined segment: an id, a name and a condition in the declarative segment language.</summary>
public sealed partial record SegmentRecord(string Id, string Name, string? Description, JsonElement Condition)
{
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    internal static partial Regex IdPattern();

    /// <summary>Validates and compiles; errors name the field (<c>condition.all[1].op</c>).</summary>
    public (SegmentDefinition? Definition, IReadOnlyList<ValidationError> Errors) Compile()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(Id) || !IdPattern().IsMatch(Id)) errors.Add(new("id", "id must be 1-64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit."));
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) errors.Add(new("name", "name is required (at most 200 characters)."));
        if (Description is { Length: > 2000 }) errors.Add(new("description", "description is at most 2000 characters."));
        if (Condition.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("condition", "condition must be a JSON object in the segment language."));
            return (null, errors);
        }
        var parsed = ConditionParser.ParseJson(Condition.GetRawText());
        errors.AddRange(parsed.Errors.Select(e => new ValidationError("condition" + (e.Field.StartsWith('$') ? e.Field[1..] : "." + e.Field), e.Message)));
        return errors.Count == 0 && parsed.Condition is not null ? (new SegmentDefinition(Id, Name, parsed.Condition), errors) : (null, errors);
    }
}
