namespace PersonalizationEngine.Learning.Models;

/// <summary>Words for the features a churn reason can name, so a marketer reads a sentence, not a column name.</summary>
public static class ChurnFeatureDescriptions
{
    /// <summary>The engine's own behavioural features (what the customer grain computes).</summary>
    public static IReadOnlyDictionary<string, string> Engine { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["recency_days"] = "Days since the last purchase",
        ["days_since_last_seen"] = "Days since last seen",
        ["frequency"] = "Number of orders",
        ["monetary"] = "Total spend",
        ["aov"] = "Average order value",
        ["clv"] = "Customer lifetime value",
        ["orders_total"] = "Orders in total",
        ["orders_7d"] = "Orders in the last 7 days",
        ["orders_30d"] = "Orders in the last 30 days",
        ["orders_90d"] = "Orders in the last 90 days",
        ["revenue_total"] = "Revenue in total",
        ["revenue_30d"] = "Revenue in the last 30 days",
        ["revenue_90d"] = "Revenue in the last 90 days",
        ["refunds_total"] = "Refunds in total",
        ["refunds_90d"] = "Refunds in the last 90 days",
        ["refund_amount_total"] = "Amount refunded",
        ["purchase_interval_days"] = "Typical days between orders",
        ["events_30d"] = "Interactions in the last 30 days",
        ["events_90d"] = "Interactions in the last 90 days",
        ["complaints_total"] = "Complaints",
        ["support_tickets_total"] = "Support tickets",
        ["lifecycle_stage"] = "Lifecycle stage",
        ["value_tier"] = "Value tier",
        ["email_opens"] = "E-mails opened",
        ["email_clicks"] = "E-mail clicks",
        ["sessions_total"] = "Visits",
        ["page_views_total"] = "Pages viewed",
        ["offer_rejects"] = "Offers rejected",
    };

    /// <summary>IBM Telco Customer Churn columns (and the derived ones <c>TelcoChurn</c> adds).</summary>
    public static IReadOnlyDictionary<string, string> Telco { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tenure"] = "Months as a customer",
        ["MonthlyCharges"] = "Monthly bill",
        ["TotalCharges"] = "Total billed",
        ["Contract"] = "Contract",
        ["InternetService"] = "Internet service",
        ["PaymentMethod"] = "Payment method",
        ["PaperlessBilling"] = "Paperless billing",
        ["OnlineSecurity"] = "Online security",
        ["TechSupport"] = "Tech support",
        ["SeniorCitizen"] = "Senior citizen",
        ["tenure_bucket"] = "Tenure band (months)",
        ["services_count"] = "Number of services",
        ["charges_ratio"] = "Total billed vs monthly bill x tenure",
        ["avg_monthly_total"] = "Average monthly bill",
        ["is_new"] = "New customer (2 months or less)",
        ["fiber_no_security"] = "Fibre without online security",
    };
}
