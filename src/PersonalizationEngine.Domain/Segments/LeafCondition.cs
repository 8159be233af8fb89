namespace PersonalizationEngine.Domain.Segments;

/// <summary>
/// A comparison. <see cref="Number"/>/<see cref="Text"/>/<see cref="Flag"/> hold a scalar operand,
/// <see cref="List"/> the operand of in/not_in (as invariant text; numbers compared numerically).
/// </summary>
public sealed record LeafCondition(LeafSource Source, string Name, ConditionOp Op) : Condition
{
    public double? Number { get; init; }
    public string? Text { get; init; }
    public bool? Flag { get; init; }
    public IReadOnlyList<string>? List { get; init; }
}
