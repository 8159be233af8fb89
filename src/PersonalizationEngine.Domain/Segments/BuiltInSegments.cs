namespace PersonalizationEngine.Domain.Segments;

/// <summary>
/// Computed traits shipped with the engine (MISSION.md §3: "high frequency, high value", "price sensitive",
/// "churn risk"). churn_risk reads <c>churn_probability</c>, a feature the learning layer supplies; until it
/// does, the fallback reads recency.
/// </summary>
public static class BuiltInSegments
{
    public static readonly IReadOnlyList<SegmentDefinition> All =
    [
        SegmentDefinition.FromJson("high_frequency_high_value", "High frequency, high value",
            """{"all":[{"feature":"orders_90d","op":">=","value":3},{"feature":"revenue_90d","op":">=","value":500}]}"""),
        SegmentDefinition.FromJson("price_sensitive", "Price sensitive",
            """{"any":[{"attr":"price_sensitive","op":"=","value":"true"},{"all":[{"feature":"offer_accepts","op":">=","value":2},{"feature":"aov","op":"<","value":30}]}]}"""),
        SegmentDefinition.FromJson("churn_risk", "Churn risk",
            """{"any":[{"feature":"churn_probability","op":">=","value":0.5},{"all":[{"feature":"orders_total","op":">=","value":2},{"feature":"recency_days","op":">","value":90}]}]}"""),
        SegmentDefinition.FromJson("cart_abandoner", "Cart abandoner",
            """{"feature":"cart_abandoned","op":"=","value":1}"""),
        SegmentDefinition.FromJson("lapsed", "Lapsed", """{"feature":"recency_days","op":">","value":180}"""),
    ];
}
