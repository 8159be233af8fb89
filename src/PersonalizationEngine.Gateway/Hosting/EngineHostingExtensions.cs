using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using OpenTelemetry.Metrics;
using PersonalizationEngine.Gateway.Apis;
using PersonalizationEngine.Gateway.OpenApi;
using PersonalizationEngine.Gateway.Options;
using Microsoft.Extensions.Options;
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

        services.AddEngineOptions();
        GatewayOptionsExtensions.CheckEngineSections(config);
        services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<LimitsOptions>>((k, limits) =>
        {
            k.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.MaxDepth = 32;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default);
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Type ??= ProblemTypes.For(c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode));
        // Binding failures of typed bodies and parameters throw, so the exception handler answers them with the
        // field at fault (instead of an empty 400).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<EngineExceptionHandler>();
        services.AddRequestDecompression();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyRegistry>();
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<ApiKeyRegistry>());
        services.AddSourceTrust(config); // key trust levels, identity verification, public-route limits, CORS (issue 20)
        // Runs before the grains' hosted services: schema first, keys second.
        services.AddHostedService<EngineStartup>();
        services.AddEngineStorage(config);
        services.AddWebhookClient();
        // The silo starts after the schema and before everything that calls grains (registered below), and stops after them.
        builder.UseOrleans(silo => silo.UseEngineClustering(config).AddEngine(config));
        services.AddEngineGrains(config);
        services.AddSingleton<PersonalizationEngine.Grains.Stats.StatsHistory>();
        services.AddSingleton<PersonalizationEngine.Grains.Stats.StatsSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Stats.StatsSampler>());
        ConsolePages.ConsoleSetup.AddConsole(services); // issue 19: the console's history, read routes and customer tokens
        // What is registered at all is decided from the bound sections here (they are validated again at start).
        var demo = config.GetSection(DemoOptions.Section).Get<DemoOptions>() ?? new();
        var metricsOptions = config.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new();
        var otlp = config.GetSection(OtlpOptions.Section).Get<OtlpOptions>() ?? new();
        if (demo.Enabled) services.AddHostedService<Demo.DemoSetup>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(ApiScopes.Ingest, p => p.RequireAssertion(c => ApiKeyAuthenticationHandler.HasScope(c.User, ApiScopes.Ingest)))
            .AddPolicy(ApiScopes.Query, p => p.RequireAssertion(c => ApiKeyAuthenticationHandler.HasScope(c.User, ApiScopes.Query)))
            .AddPolicy(ApiScopes.Admin, p => p.RequireAssertion(c => ApiKeyAuthenticationHandler.HasScope(c.User, ApiScopes.Admin)));

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IOptions<LimitsOptions>>((o, rates, limits) =>
        {
            var permits = rates.Value.PermitsPerSecond;
            var burst = rates.Value.EffectiveBurst;
            // One options factory for every partition (a per-request lambda would allocate on every call).
            Func<string, TokenBucketRateLimiterOptions> bucket = _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = permits,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
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
                c.PermitLimit = limits.Value.IngestConcurrency;
                c.QueueLimit = limits.Value.IngestQueue;
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

        services.AddEngineOpenApi();

        services.AddEngineTelemetry(metricsOptions, otlp);
        services.AddEngineHealthChecks(StorageProviderFactory.ReadOptions(config));
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
        var maxBody = app.Services.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes;
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
        // JSON bodies are JSON whatever their declared type: SDKs and `curl -d` send text/plain or form types, and
        // the routes have always accepted them. The framework binds (and routes) typed bodies only by a JSON content
        // type, so before routing a native API body that is not declared NDJSON is declared JSON.
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (request.ContentLength != 0 && request.Path.StartsWithSegments("/api") && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method))
                && !request.HasJsonContentType() && request.ContentType?.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase) != true)
            {
                request.ContentType = "application/json";
            }
            return next(context);
        });
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
        app.UseRouting();
        app.UseCors(); // tracking routes only (PublicCorsPolicyProvider); answers preflights before authentication
        app.UseAuthentication();
        app.UsePublicSourceGuard(); // browser keys: tracking routes only, per-IP and per-key limits, origins, body sizes
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// <c>/</c>: the demo store when the demo is on (Development), else a small index of where things are, so
    /// nobody lands on a 401. Anonymous; not part of the API description.
    /// </summary>
    private static void MapIndex(WebApplication app)
    {
        var demo = app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled;
        app.MapGet("/", () => demo
                ? (IResult)TypedResults.Redirect("/demo/")
                : TypedResults.Ok(new EngineIndex("Personalization Engine", "/docs", "/openapi/v1.json", "/dashboard/", "/health/ready", "/console/")))
            .AllowAnonymous().ExcludeFromDescription();
    }

    private static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/t")
        || path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p + "." : "Error.";

    public static WebApplication MapEngineApis(this WebApplication app)
    {
        MapIndex(app);
        app.MapOpenApi().AllowAnonymous();
        // Every route can fail with 500 (a bug) or 503 (storage down, shutting down): documented once for all.
        var api = app.MapGroup("").ProducesProblem(StatusCodes.Status500InternalServerError).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapHealthApi();
        var metrics = app.MapPrometheusScrapingEndpoint("/metrics");
        if (!app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.AllowAnonymous) metrics.RequireAuthorization(ApiScopes.Admin);
        else metrics.AllowAnonymous();
        api.MapKeysApi();
        api.MapIdentityTokensApi();
        api.MapEventsApi();
        api.MapSegmentApi();
        api.MapCustomersApi();
        api.MapModelsApi();
        api.MapSegmentsApi();
        api.MapTriggersApi();
        api.MapStatsApi();
        api.MapClusterApi();
        api.MapDecisionsApi();
        ConsolePages.ConsoleSetup.MapConsoleApis(api);
        if (app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled) Demo.DemoSetup.Map(app);
        return app;
    }
}

/// <summary>The answer of <c>/</c> outside the demo: where the docs, the OpenAPI document, the dashboard and health are.</summary>
public sealed record EngineIndex(string Name, string Docs, string OpenApi, string Dashboard, string Health, string Console);
