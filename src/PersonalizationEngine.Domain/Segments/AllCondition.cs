namespace PersonalizationEngine.Domain.Segments;

/// <summary>True when every child is true (true when empty).</summary>
public sealed record AllCondition(IReadOnlyList<Condition> Children) : Condition;
