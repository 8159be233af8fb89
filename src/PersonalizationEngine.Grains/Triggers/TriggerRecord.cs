using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Grains.Triggers;

/// <summary>What fires a trigger.</summary>
public sealed record TriggerCondition(string Kind, string? Segment = null, string? EventType = null);

/// <summary>Where a trigger delivers: an outside HTTPS (or HTTP) endpoint, signed with the shared secret.</summary>
public sealed record WebhookTarget(string Url, string Secret);

/// <summary>
/// A trigger: when a customer enters/leaves a segment, crosses the high churn-risk threshold or sends an
/// event of a type, POST a signed notification to a webhook. Payloads carry the profile id, never identifiers.
/// </summary>
public sealed record TriggerRecord(string Id, string Name, TriggerCondition On, WebhookTarget Webhook, bool Enabled = true, int MaxAttempts = 5)
{
    public static readonly IReadOnlySet<string> Kinds = new HashSet<string>(StringComparer.Ordinal)
    {
        TriggerKinds.SegmentEntered, TriggerKinds.SegmentLeft, TriggerKinds.ChurnHigh, TriggerKinds.Event,
    };

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrEmpty(Id) || !Catalog.SegmentRecord.IdPattern().IsMatch(Id)) errors.Add(new("id", "id must be 1-64 characters of a-z, 0-9, '_' or '-'."));
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) errors.Add(new("name", "name is required (at most 200 characters)."));
        if (On is null) errors.Add(new("on", "on is required: {\"kind\": \"segment_entered\", \"segment\": \"churn_risk\"}."));
        else
        {
            if (!Kinds.Contains(On.Kind)) errors.Add(new("on.kind", $"kind must be one of {string.Join(", ", Kinds)}."));
            if (On.Kind is TriggerKinds.SegmentEntered or TriggerKinds.SegmentLeft && string.IsNullOrWhiteSpace(On.Segment)) errors.Add(new("on.segment", "segment is required for segment triggers."));
            if (On.Kind == TriggerKinds.Event && string.IsNullOrWhiteSpace(On.EventType)) errors.Add(new("on.eventType", "eventType is required for event triggers."));
        }
        if (Webhook is null) errors.Add(new("webhook", "webhook is required: {\"url\": \"https://...\", \"secret\": \"...\"}."));
        else
        {
            if (!Uri.TryCreate(Webhook.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) errors.Add(new("webhook.url", "url must be an absolute http(s) URL."));
            if (Webhook.Secret is null || Webhook.Secret.Length is < 16 or > 256) errors.Add(new("webhook.secret", "secret must be 16 to 256 characters."));
        }
        if (MaxAttempts is < 1 or > 20) errors.Add(new("maxAttempts", "maxAttempts must be 1 to 20."));
        return errors;
    }

    /// <summary>The record as listed by the API: the secret is never echoed back.</summary>
    public TriggerRecord Redacted() => this with { Webhook = Webhook with { Secret = "***" } };
}

public static class TriggerKinds
{
    public const string SegmentEntered = "segment_entered";
    public const string SegmentLeft = "segment_left";
    public const string ChurnHigh = "churn_high";
    public const string Event = "event";
}
