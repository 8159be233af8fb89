using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Grains.Catalog;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Triggers;

/// <summary>A delivery that ran out of attempts, kept for inspection and replay.</summary>
public sealed record DeadLetter(string Id, string TriggerId, string Url, string Payload, int Attempts, string LastError, DateTimeOffset At);

/// <summary>
/// Matches customer signals against the triggers and POSTs signed JSON to their webhooks. Signature header
/// <c>X-PE-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" with the trigger's secret&gt;</c> (the
/// Stripe scheme: receivers check the time to stop replays); <c>X-PE-Delivery</c> is the same on every attempt of
/// a delivery, so receivers can drop repeats.
/// A delivery is tried at once; when that fails it goes to the durable outbox (a sealed record in the store) and is
/// retried from there with exponential backoff and jitter, so waiting retries survive a crash or a restart (issue 17;
/// they used to live in memory). After the trigger's MaxAttempts it is dead-lettered (stored, listed by the API).
/// The HTTP client (timeouts, a quick retry of transient errors, a circuit breaker per endpoint) comes from
/// <see cref="IHttpClientFactoryLike"/>; the gateway wires it to IHttpClientFactory with Microsoft.Extensions.Http.Resilience.
/// </summary>
public sealed partial class WebhookDispatcher : BackgroundService
{
    private static readonly Meter Meter = new("PersonalizationEngine.Triggers");
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("pe_webhook_deliveries", "deliveries", "Webhook delivery attempts by outcome.");

    private readonly TriggerBus _bus;
    private readonly IHttpClientFactoryLike _http;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly WebhookDeliveryOptions _options;
    private int _inFlight;

    public WebhookDispatcher(TriggerBus bus, IStorageProvider storage, IHttpClientFactoryLike http, TimeProvider time, ILogger<WebhookDispatcher> logger, Protection.EngineKeys keys, IOptions<WebhookDeliveryOptions>? options = null)
    {
        _bus = bus;
        _http = http;
        _time = time;
        _logger = logger;
        _options = options?.Value ?? new WebhookDeliveryOptions();
        BaseDelay = _options.RetryBaseDelay;
        // Trigger definitions hold webhook secrets; dead letters and the outbox hold customer payloads: all sealed.
        Triggers = new Catalog<TriggerRecord>(storage, "triggers", t => t.Id, keys.ProtectorAsync);
        DeadLetters = new Catalog<DeadLetter>(storage, "dead-letters", d => d.Id, keys.ProtectorAsync);
        Outbox = new Catalog<PendingDelivery>(storage, "webhook-outbox", d => d.Id, keys.ProtectorAsync);
        Triggers.Changed += all => _bus.HasListeners = all.Any(t => t.Enabled);
    }

    public Catalog<TriggerRecord> Triggers { get; }

    public Catalog<DeadLetter> DeadLetters { get; }

    /// <summary>Deliveries waiting for their next attempt (durable).</summary>
    public Catalog<PendingDelivery> Outbox { get; }

    /// <summary>First retry delay; doubles per attempt (with ±20% jitter), capped at <see cref="WebhookDeliveryOptions.MaxRetryDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; }

    /// <summary>Deliveries being attempted right now plus those waiting in the outbox.</summary>
    public int InFlight => Volatile.Read(ref _inFlight) + Outbox.All.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Triggers.LoadAsync(stoppingToken).ConfigureAwait(false);
        await DeadLetters.LoadAsync(stoppingToken).ConfigureAwait(false);
        await Outbox.LoadAsync(stoppingToken).ConfigureAwait(false);
        if (Outbox.All.Count > 0) LogOutboxResumed(_logger, Outbox.All.Count);
        var retries = RetryLoopAsync(stoppingToken);
        try
        {
            await foreach (var signal in _bus.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var trigger in Triggers.All)
                {
                    if (trigger.Enabled && Matches(trigger.On, signal))
                    {
                        _ = FirstAttemptAsync(trigger, signal, stoppingToken);
                    }
                }
            }
        }
        finally
        {
            await retries.ConfigureAwait(false);
        }
    }

    internal static bool Matches(TriggerCondition on, CustomerSignal s) => on.Kind == s.Kind && on.Kind switch
    {
        TriggerKinds.SegmentEntered or TriggerKinds.SegmentLeft => on.Segment == s.Segment,
        TriggerKinds.Event => on.EventType == s.EventType,
        _ => true,
    };

    private async Task FirstAttemptAsync(TriggerRecord trigger, CustomerSignal signal, CancellationToken ct)
    {
        var deliveryId = Guid.CreateVersion7().ToString("N");
        var payload = JsonSerializer.Serialize(new
        {
            id = deliveryId,
            trigger = trigger.Id,
            kind = signal.Kind,
            profileId = signal.ProfileId,
            segment = signal.Segment,
            eventType = signal.EventType,
            value = signal.Value,
            at = signal.At,
        }, JsonSerializerOptions.Web);
        Interlocked.Increment(ref _inFlight);
        try
        {
            var error = await AttemptAsync(trigger, deliveryId, payload, ct).ConfigureAwait(false);
            if (error is null) return;
            await FailedAsync(trigger, new PendingDelivery(deliveryId, trigger.Id, payload, 1, default, error, _time.GetUtcNow()), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogDeliveryFailedUnexpectedly(_logger, ex, deliveryId, trigger.Id);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>One HTTP attempt; null when delivered, else what went wrong.</summary>
    private async Task<string?> AttemptAsync(TriggerRecord trigger, string deliveryId, string payload, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, trigger.Webhook.Url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-PE-Signature", Sign(trigger.Webhook.Secret, payload, _time.GetUtcNow()));
            request.Headers.Add("X-PE-Delivery", deliveryId);
            // Clients from the factory are not disposed: the factory owns their handlers.
            using var response = await _http.Create().SendAsync(request, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "delivered"));
                return null;
            }
            return $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            // Any failure of the attempt (connection refused, a timeout, an open circuit) is retried from the outbox.
            return ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <summary>A failed attempt: scheduled again in the outbox, or dead-lettered after the trigger's last attempt.</summary>
    private async Task FailedAsync(TriggerRecord trigger, PendingDelivery delivery, CancellationToken ct)
    {
        if (delivery.Attempts >= trigger.MaxAttempts)
        {
            Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "dead_letter"));
            LogDeadLettered(_logger, delivery.Id, trigger.Id, delivery.Attempts, delivery.LastError);
            await DeadLetters.UpsertAsync(new DeadLetter(delivery.Id, trigger.Id, trigger.Webhook.Url, delivery.Payload, delivery.Attempts, delivery.LastError, _time.GetUtcNow()), ct).ConfigureAwait(false);
            await Outbox.DeleteAsync(delivery.Id, ct).ConfigureAwait(false);
            return;
        }
        if (Outbox.Get(delivery.Id) is null && Outbox.All.Count >= _options.MaxPending)
        {
            Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "dropped"));
            LogOutboxFull(_logger, delivery.Id, trigger.Id, _options.MaxPending);
            return;
        }
        Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));
        var delay = Math.Min(_options.MaxRetryDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, delivery.Attempts - 1)) * (0.8 + Random.Shared.NextDouble() * 0.4);
        await Outbox.UpsertAsync(delivery with { NextAttemptAt = _time.GetUtcNow() + TimeSpan.FromMilliseconds(delay) }, ct).ConfigureAwait(false);
    }

    /// <summary>Attempts the outbox's due deliveries, a few at a time, until the service stops.</summary>
    private async Task RetryLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var poll = TimeSpan.FromMilliseconds(Math.Clamp(BaseDelay.TotalMilliseconds / 2, 5, 1000));
                await Task.Delay(poll, _time, ct).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var due = Outbox.All.Where(d => d.NextAttemptAt <= now).OrderBy(d => d.NextAttemptAt).Take(32).ToList();
                await Task.WhenAll(due.Select(d => RetryAsync(d, ct))).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store may be briefly unavailable: the outbox keeps the deliveries, the next round tries again.
                LogRetryRoundFailed(_logger, ex);
            }
        }
    }

    private async Task RetryAsync(PendingDelivery delivery, CancellationToken ct)
    {
        // Every node sees the outbox (a shared record): a retry is attempted by the node that claims it first, by moving
        // its next attempt past the attempt's lease (compare-and-set on the stored record). A node that dies mid-attempt
        // leaves the delivery due again when the lease runs out, for another node to claim.
        var lease = _time.GetUtcNow() + _options.RetryLease;
        if (!await Outbox.UpdateAsync(delivery.Id, d => d.NextAttemptAt == delivery.NextAttemptAt && d.Attempts == delivery.Attempts ? d with { NextAttemptAt = lease } : null, ct).ConfigureAwait(false))
        {
            return; // claimed by another node (or delivered, or erased) meanwhile
        }
        if (Triggers.Get(delivery.TriggerId) is not { Enabled: true } trigger)
        {
            LogTriggerGone(_logger, delivery.Id, delivery.TriggerId);
            await Outbox.DeleteAsync(delivery.Id, ct).ConfigureAwait(false);
            return;
        }
        var error = await AttemptAsync(trigger, delivery.Id, delivery.Payload, ct).ConfigureAwait(false);
        if (error is null)
        {
            LogDeliveredOnRetry(_logger, delivery.Id, trigger.Id, delivery.Attempts + 1);
            await Outbox.DeleteAsync(delivery.Id, ct).ConfigureAwait(false);
            return;
        }
        await FailedAsync(trigger, delivery with { Attempts = delivery.Attempts + 1, LastError = error }, ct).ConfigureAwait(false);
    }

    /// <summary>Erasure: removes dead letters and waiting deliveries whose payload names the profile.</summary>
    public async Task ForgetProfileAsync(string profileId)
    {
        foreach (var d in DeadLetters.All.Where(d => d.Payload.Contains(profileId, StringComparison.Ordinal)).ToList())
        {
            await DeadLetters.DeleteAsync(d.Id).ConfigureAwait(false);
        }
        foreach (var d in Outbox.All.Where(d => d.Payload.Contains(profileId, StringComparison.Ordinal)).ToList())
        {
            await Outbox.DeleteAsync(d.Id).ConfigureAwait(false);
        }
    }

    /// <summary><c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.</summary>
    public static string Sign(string secret, string body, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    // Delivery and trigger ids only: payloads name profiles, and webhook URLs can carry tokens.
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Webhook delivery {Delivery} for trigger {Trigger} dead-lettered after {Attempts} attempts: {Error}")]
    private static partial void LogDeadLettered(ILogger logger, string delivery, string trigger, int attempts, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Webhook delivery {Delivery} for trigger {Trigger} failed unexpectedly.")]
    private static partial void LogDeliveryFailedUnexpectedly(ILogger logger, Exception exception, string delivery, string trigger);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Webhook outbox is full ({MaxPending} deliveries waiting): delivery {Delivery} for trigger {Trigger} dropped.")]
    private static partial void LogOutboxFull(ILogger logger, string delivery, string trigger, int maxPending);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Webhook outbox resumed with {Count} deliveries waiting for a retry.")]
    private static partial void LogOutboxResumed(ILogger logger, int count);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "A round of webhook retries failed; the deliveries stay in the outbox.")]
    private static partial void LogRetryRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Webhook delivery {Delivery} dropped: trigger {Trigger} was deleted or disabled.")]
    private static partial void LogTriggerGone(ILogger logger, string delivery, string trigger);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Webhook delivery {Delivery} for trigger {Trigger} delivered on attempt {Attempt}.")]
    private static partial void LogDeliveredOnRetry(ILogger logger, string delivery, string trigger, int attempt);
}

/// <summary>Creates the HttpClient webhooks go out on (a seam so tests can capture requests in-process).</summary>
public interface IHttpClientFactoryLike
{
    HttpClient Create();
}

/// <summary>A plain client, for hosts that do not wire IHttpClientFactory (the gateway does, with resilience).</summary>
internal sealed class DefaultWebhookClientFactory : IHttpClientFactoryLike
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) };

    public HttpClient Create() => _client;
}
