namespace PersonalizationEngine.Domain.Segments;

/// <summary>Negation.</summary>
public sealed record NotCondition(Condition Child) : Condition;
