using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Segments;

/// <summary>The parsed tree, or errors whose field is the JSON path of the bad node (e.g. <c>$.all[1].op</c>).</summary>
public sealed record ConditionParseResult(Condition? Condition, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Condition is not null && Errors.Count == 0;
}
