namespace PersonalizationEngine.Domain.Segments;

/// <summary>
/// A node of the typed condition tree. Data only: the tree is interpreted by <see cref="ConditionEvaluator"/>
/// and never compiled or evaluated as code (the lesson of Apache Unomi's MVEL/OGNL CVEs, MISSION.md).
/// </summary>
public abstract record Condition;
