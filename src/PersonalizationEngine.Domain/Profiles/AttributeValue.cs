namespace PersonalizationEngine.Domain.Profiles;

/// <summary>An attribute value with its provenance (issue 3 "Merge that keeps provenance").</summary>
public sealed record AttributeValue
{
    public string Value { get; init; } = "";
    /// <summary>Source channel (wire name, e.g. <c>crm</c>).</summary>
    public string Source { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>0..1: the source's weight relative to the strongest source.</summary>
    public double Confidence { get; init; }
}
