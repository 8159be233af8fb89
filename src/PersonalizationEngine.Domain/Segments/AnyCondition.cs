namespace PersonalizationEngine.Domain.Segments;

/// <summary>True when at least one child is true.</summary>
public sealed record AnyCondition(IReadOnlyList<Condition> Children) : Condition;
