namespace PersonalizationEngine.Domain.Features;

/// <summary>Lifecycle stage; thresholds in <see cref="FeatureOptions"/>.</summary>
public enum LifecycleStage
{
    Prospect,
    New,
    Active,
    Loyal,
    AtRisk,
    Lapsed,
}
