namespace PersonalizationEngine.Domain.Segments;

/// <summary>Comparison operators of a leaf condition.</summary>
public enum ConditionOp
{
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Exists,
    Contains,
}
