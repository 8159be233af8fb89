using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Grains.Catalog;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Triggers;

/// <summary>A delivery that ran out of attempts, kept for inspection and replay.</summary>
public sealed record DeadLetter(string Id, string TriggerId, string Url, string Payload, int Attempts, string LastError, DateTimeOffset At);

/// <summary>
/// Matches customer signals against the triggers and POSTs signed JSON to their webhooks. Signature header
/// <c>X-PE-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" with the trigger's secret&gt;</c> (the
/// Stripe scheme: receivers check the time to stop replays). Failures retry with exponential backoff and
/// jitter; after the trigger's MaxAttempts the delivery is dead-lettered (stored, listed by the API).
/// Pending retries live in memory: a crash loses them (signals are notifications, not the system of record).
/// </summary>
public sealed class WebhookDispatcher : BackgroundService
{
    private static readonly Meter Meter = new("PersonalizationEngine.Triggers");
    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("pe_webhook_deliveries", "deliveries", "Webhook deliveries by outcome.");

    private readonly TriggerBus _bus;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly ConcurrentDictionary<string, int> _inFlight = new();

    public WebhookDispatcher(TriggerBus bus, IStorageProvider storage, IHttpClientFactoryLike http, TimeProvider time, ILogger<WebhookDispatcher> logger, Protection.EngineKeys keys)
    {
        _bus = bus;
        _http = http.Create();
        _time = time;
        _logger = logger;
        // Trigger definitions hold webhook secrets and dead letters hold customer payloads: both are stored sealed.
        Triggers = new Catalog<TriggerRecord>(storage, "triggers", t => t.Id, keys.ProtectorAsync);
        DeadLetters = new Catalog<DeadLetter>(storage, "dead-letters", d => d.Id, keys.ProtectorAsync);
        Triggers.Changed += all => _bus.HasListeners = all.Any(t => t.Enabled);
    }

    public Catalog<TriggerRecord> Triggers { get; }

    public Catalog<DeadLetter> DeadLetters { get; }

    /// <summary>First retry delay; doubles per attempt (with ±20% jitter), capped at 5 minutes.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public int InFlight => _inFlight.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Triggers.LoadAsync(stoppingToken).ConfigureAwait(false);
        await DeadLetters.LoadAsync(stoppingToken).ConfigureAwait(false);
        await foreach (var signal in _bus.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var trigger in Triggers.All)
            {
                if (trigger.Enabled && Matches(trigger.On, signal))
                {
                    _ = DeliverAsync(trigger, signal, stoppingToken);
                }
            }
        }
    }

    internal static bool Matches(TriggerCondition on, CustomerSignal s) => on.Kind == s.Kind && on.Kind switch
    {
        TriggerKinds.SegmentEntered or TriggerKinds.SegmentLeft => on.Segment == s.Segment,
        TriggerKinds.Event => on.EventType == s.EventType,
        _ => true,
    };

    private async Task DeliverAsync(TriggerRecord trigger, CustomerSignal signal, CancellationToken ct)
    {
        var deliveryId = Guid.CreateVersion7().ToString("N");
        _inFlight[deliveryId] = 0;
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
        var error = "";
        try
        {
            for (var attempt = 1; attempt <= trigger.MaxAttempts; attempt++)
            {
                _inFlight[deliveryId] = attempt;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, trigger.Webhook.Url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
                    request.Headers.Add("X-PE-Signature", Sign(trigger.Webhook.Secret, payload, _time.GetUtcNow()));
                    request.Headers.Add("X-PE-Delivery", deliveryId);
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                    if (response.IsSuccessStatusCode)
                    {
                        Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "delivered"));
                        return;
                    }
                    error = $"HTTP {(int)response.StatusCode}";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    error = ex.GetType().Name + ": " + ex.Message;
                }
                Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));
                if (attempt < trigger.MaxAttempts)
                {
                    var delay = Math.Min(300_000, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1)) * (0.8 + Random.Shared.NextDouble() * 0.4);
                    await Task.Delay(TimeSpan.FromMilliseconds(delay), _time, ct).ConfigureAwait(false);
                }
            }
            Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "dead_letter"));
            _logger.LogWarning("Webhook delivery {Delivery} for trigger {Trigger} dead-lettered after {Attempts} attempts: {Error}", deliveryId, trigger.Id, trigger.MaxAttempts, error);
            await DeadLetters.UpsertAsync(new DeadLetter(deliveryId, trigger.Id, trigger.Webhook.Url, payload, trigger.MaxAttempts, error, _time.GetUtcNow()), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Webhook delivery {Delivery} failed unexpectedly.", deliveryId);
        }
        finally
        {
            _inFlight.TryRemove(deliveryId, out _);
        }
    }

    /// <summary>Erasure: removes dead letters whose payload names the profile.</summary>
    public async Task ForgetProfileAsync(string profileId)
    {
        foreach (var d in DeadLetters.All.Where(d => d.Payload.Contains(profileId, StringComparison.Ordinal)).ToList())
        {
            await DeadLetters.DeleteAsync(d.Id).ConfigureAwait(false);
        }
    }

    /// <summary><c>t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.</summary>
    public static string Sign(string secret, string body, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}

/// <summary>Creates the HttpClient webhooks go out on (a seam so tests can capture requests in-process).</summary>
public interface IHttpClientFactoryLike
{
    HttpClient Create();
}

internal sealed class DefaultWebhookClientFactory : IHttpClientFactoryLike
{
    public HttpClient Create() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(5) });
}
