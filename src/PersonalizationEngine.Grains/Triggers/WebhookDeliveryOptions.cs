namespace PersonalizationEngine.Grains.Triggers;

/// <summary>Webhook delivery (configuration section <c>Triggers</c>).</summary>
public sealed class WebhookDeliveryOptions
{
    public const string Section = "Triggers";

    /// <summary>Delay before the first retry; doubles per attempt with ±20% jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Deliveries waiting for a retry, kept in the durable outbox; beyond it a failed delivery is dropped (counted
    /// and logged) rather than letting the outbox grow without bound while an endpoint is down.
    /// </summary>
    public int MaxPending { get; set; } = 10_000;

    /// <summary>
    /// How long a node that claimed a retry has to finish it (longer than an attempt's timeout) before another node may
    /// claim it again: a delivery is retried by one node at a time, and by another when its node died.
    /// </summary>
    public TimeSpan RetryLease { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A delivery waiting in the durable outbox for its next attempt (it survives a restart).</summary>
public sealed record PendingDelivery(string Id, string TriggerId, string Payload, int Attempts, DateTimeOffset NextAttemptAt, string LastError, DateTimeOffset CreatedAt);
