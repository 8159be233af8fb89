namespace PersonalizationEngine.Domain.Segments;

/// <summary>A named audience defined by a condition.</summary>
public sealed record SegmentDefinition(string Id, string Name, Condition Condition)
{
    /// <summary>Parses <paramref name="conditionJson"/>; throws <see cref="ArgumentException"/> listing the errors.</summary>
    public static SegmentDefinition FromJson(string id, string name, string conditionJson)
    {
        var result = ConditionParser.ParseJson(conditionJson);
        if (!result.IsValid)
            throw new ArgumentException(string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Message}")), nameof(conditionJson));
        return new SegmentDefinition(id, name, result.Condition!);
    }
}
