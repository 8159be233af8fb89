namespace PersonalizationEngine.Domain.Segments;

/// <summary>Parser limits, so a rule cannot be made expensive to parse or evaluate.</summary>
public sealed record ConditionLimits
{
    public int MaxDepth { get; init; } = 8;
    public int MaxNodes { get; init; } = 100;
    public int MaxListLength { get; init; } = 200;
    public int MaxJsonLength { get; init; } = 64 * 1024;
}
