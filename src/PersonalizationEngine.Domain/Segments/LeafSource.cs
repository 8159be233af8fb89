namespace PersonalizationEngine.Domain.Segments;

/// <summary>What a leaf reads: a feature (number), an attribute (text), a segment membership or a consent.</summary>
public enum LeafSource
{
    Feature,
    Attribute,
    Segment,
    Consent,
}
