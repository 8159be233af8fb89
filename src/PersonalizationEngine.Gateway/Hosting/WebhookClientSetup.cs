using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using PersonalizationEngine.Grains.Triggers;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>
/// Webhooks go out on an <see cref="IHttpClientFactory"/> client with Microsoft.Extensions.Http.Resilience: a total
/// and a per-try timeout, one quick retry of a transient failure, and a circuit breaker per endpoint (authority) so a
/// dead receiver is not hammered while others are served. The long-horizon retries (seconds to minutes, across
/// restarts) are the dispatcher's durable outbox.
/// </summary>
internal static class WebhookClientSetup
{
    public const string ClientName = "pe-webhooks";

    public static IServiceCollection AddWebhookClient(this IServiceCollection services)
    {
        services.AddOptions<WebhookDeliveryOptions>().BindConfiguration(WebhookDeliveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookDeliveryOptions>, WebhookDeliveryOptionsValidator>();
        services.AddHttpClient(ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(5), AllowAutoRedirect = false })
            .AddResilienceHandler("webhooks", pipeline =>
            {
                pipeline.AddTimeout(TimeSpan.FromSeconds(30));
                pipeline.AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 1, Delay = TimeSpan.FromMilliseconds(200), BackoffType = DelayBackoffType.Exponential, UseJitter = true });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions { SamplingDuration = TimeSpan.FromSeconds(30), FailureRatio = 0.5, MinimumThroughput = 10, BreakDuration = TimeSpan.FromSeconds(15) });
                pipeline.AddTimeout(TimeSpan.FromSeconds(10));
            })
            .SelectPipelineByAuthority();
        // Registered before AddEngineGrains, whose plain default is added only when none is.
        services.AddSingleton<IHttpClientFactoryLike, FactoryWebhookClients>();
        return services;
    }

    private sealed class FactoryWebhookClients(IHttpClientFactory factory) : IHttpClientFactoryLike
    {
        public HttpClient Create() => factory.CreateClient(ClientName);
    }

    private sealed class WebhookDeliveryOptionsValidator : IValidateOptions<WebhookDeliveryOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebhookDeliveryOptions o) => new Options.OptionsCheck(WebhookDeliveryOptions.Section)
            .Positive(nameof(o.RetryBaseDelay), o.RetryBaseDelay)
            .That(o.MaxRetryDelay >= o.RetryBaseDelay, nameof(o.MaxRetryDelay), $"must be at least Triggers:RetryBaseDelay (was {o.MaxRetryDelay}).")
            .Range(nameof(o.MaxPending), o.MaxPending, 1, 1_000_000)
            .Result();
    }
}
