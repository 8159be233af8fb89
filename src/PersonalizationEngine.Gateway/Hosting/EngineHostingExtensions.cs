using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using OpenTelemetry.Metrics;
using PersonalizationEngine.Gateway.Apis;
using PersonalizationEngine.Gateway.Problems;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>
/// Wires the gateway: storage, grains, API-key auth with scopes (every route needs a key unless it says
/// otherwise), per-key rate limits, problem details for every error, request limits, gzip request bodies,
/// OpenAPI and its interactive page, health and Prometheus metrics, static web assets.
/// </summary>
public static class EngineHostingExtensions
{
    /// <summary>The rate-limiting policy of every ingestion route (a concurrency limit; see AddEngine).</summary>
    public const string IngestPolicy = "ingest";

    public static WebApplicationBuilder AddEngine(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = config.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? 4 * 1024 * 1024;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.MaxDepth = 32;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
        });
        services.AddProblemDetails();
        services.AddExceptionHandler<EngineExceptionHandler>();
        services.AddRequestDecompression();

        services.Configure<AuthOptions>(config.GetSection("Auth"));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyRegistry>();
        services.AddSourceTrust(config); // key trust levels, identity verification, public-route limits, CORS (issue 20)
        // Runs before the grains' hosted services: schema first, keys second.
        services.AddHostedService<EngineStartup>();
        services.AddEngineStorage(config);
        // The silo starts after the schema and before everything that calls grains (registered below), and stops after them.
        builder.UseOrleans(silo => silo.UseEngineClustering(config).AddEngine(config));
        services.AddEngineGrains(config);
        if (config.GetValue<bool>("Demo:Enabled")) services.AddHostedService<Demo.DemoSetup>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(ApiScopes.Ingest, p => p.RequireAssertion(c => ApiKeyAuthenticationHandler.HasScope(c.User, ApiScopes.Ingest)))
            .AddPolicy(ApiScopes.Query, p => p.RequireAssertion(c => ApiKeyAuthenticationHandler.HasScope(c.User, ApiScopes.Query)))
            .AddPolicy(ApiScopes.Admin, p => p.RequireAssertion(c => ApiKeyAuthenticationHandler.HasScope(c.User, ApiScopes.Admin)));

        var permits = config.GetValue<int?>("RateLimits:PermitsPerSecond") ?? 100_000;
        var burst = config.GetValue<int?>("RateLimits:Burst") ?? permits * 2;
        // One options factory for every partition (a per-request lambda would allocate on every call).
        Func<string, TokenBucketRateLimiterOptions> bucket = _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = permits,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var who = context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value
                    ?? "ip:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(who, bucket);
            });
            // Ingestion is the expensive route: at most this many batches are worked on at once, a few more wait
            // in line, the rest are refused at the door (503 + Retry-After) before their body is read, so a spike
            // beyond capacity costs little and the answers that are given stay fast.
            o.AddConcurrencyLimiter(IngestPolicy, c =>
            {
                c.PermitLimit = config.GetValue<int?>("Limits:IngestConcurrency") ?? 64;
                c.QueueLimit = config.GetValue<int?>("Limits:IngestQueue") ?? 128;
                c.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            o.OnRejected = (context, ct) =>
            {
                if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == IngestPolicy)
                {
                    return new ValueTask(ProblemWriter.WriteAsync(context.HttpContext, 503, "The engine is at capacity.",
                        "Too many event batches are being ingested; nothing of this request was stored. Retry after the indicated delay.", retryAfter: TimeSpan.FromSeconds(1)));
                }
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                return new ValueTask(ProblemWriter.WriteAsync(context.HttpContext, 429, "Rate limit exceeded.", $"This key may send {permits} requests per second (burst {burst}).", "Authorization", retry));
            };
        });

        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Personalization Engine API";
            document.Info.Description = "Real-time customer profiles, next best offer and churn risk. Authenticate with `Authorization: Bearer <key>` (Segment routes: Basic with the write key as user name).";
            return Task.CompletedTask;
        }));

        var otel = services.AddOpenTelemetry().WithMetrics(m =>
        {
            // Orleans' own meters (activations, messaging, storage, collection) next to the engine's.
            m.AddMeter("PersonalizationEngine.*", "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            m.AddPrometheusExporter();
            if (config["Otlp:Endpoint"] is { Length: > 0 } endpoint)
            {
                m.AddOtlpExporter(e => e.Endpoint = new Uri(endpoint));
            }
        });
        return builder;
    }

    public static WebApplication UseEngine(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Error statuses without a body (no route, wrong method, 401/403 from the framework) get problem details.
        // The condition of UseStatusCodePages, without its per-request feature and items dictionary.
        app.Use(async (context, next) =>
        {
            await next(context);
            var r = context.Response;
            if (r.StatusCode is >= 400 and < 600 && !r.HasStarted && r.ContentLength is null && string.IsNullOrEmpty(r.ContentType))
            {
                var detail = r.StatusCode == 404 ? "No route matches this path." : r.StatusCode == 405 ? "This route does not accept that method." : "The request failed.";
                await ProblemWriter.WriteAsync(context, r.StatusCode, ReasonPhrases(r.StatusCode), detail, r.StatusCode is 404 or 405 ? "path" : null);
            }
        });
        var maxBody = app.Configuration.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? 4 * 1024 * 1024;
        app.Use((context, next) =>
        {
            // Kestrel enforces the limit on the stream too; this answers declared oversize bodies up front.
            if (context.Request.ContentLength > maxBody)
            {
                // The body is not read, so Kestrel closes the connection after the answer: say so, or a client
                // that reuses the connection writes its next request into a closed socket (broken pipe).
                context.Response.Headers.Connection = "close";
                return ProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large.", $"Bodies are limited to {maxBody:N0} bytes.", "body");
            }
            return next(context);
        });
        app.UseRequestDecompression();
        // Web assets (tracker, demo store, dashboard, API docs) are looked up only off the API paths, so an API
        // request costs no file-system probe.
        app.UseWhen(c => !IsApiPath(c.Request.Path), web =>
        {
            web.UseDefaultFiles();
            web.UseStaticFiles();
            web.UseSwaggerUI(o =>
            {
                o.RoutePrefix = "docs";
                o.SwaggerEndpoint("/openapi/v1.json", "Personalization Engine v1");
            });
        });
        app.UseCors(); // tracking routes only (PublicCorsPolicyProvider); answers preflights before authentication
        app.UseAuthentication();
        app.UsePublicSourceGuard(); // browser keys: tracking routes only, per-IP and per-key limits, origins, body sizes
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    private static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/t")
        || path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p + "." : "Error.";

    public static WebApplication MapEngineApis(this WebApplication app)
    {
        app.MapHealthApi();
        app.MapOpenApi().AllowAnonymous();
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (!app.Configuration.GetValue<bool>("Metrics:AllowAnonymous")) metrics.RequireAuthorization(ApiScopes.Admin);
        else metrics.AllowAnonymous();
        app.MapKeysApi();
        app.MapIdentityTokensApi();
        app.MapEventsApi();
        app.MapSegmentApi();
        app.MapCustomersApi();
        app.MapModelsApi();
        app.MapSegmentsApi();
        app.MapTriggersApi();
        app.MapStatsApi();
        app.MapDecisionsApi();
        if (app.Configuration.GetValue<bool>("Demo:Enabled")) Demo.DemoSetup.Map(app);
        return app;
    }
}
