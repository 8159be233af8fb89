using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PersonalizationEngine.Gateway.Options;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>
/// OpenTelemetry with the libraries' own instrumentation: ASP.NET Core, HttpClient (webhooks), the .NET runtime and
/// Npgsql, plus the engine's meters; Prometheus on <c>/metrics</c>, OTLP when <c>Otlp:Endpoint</c> is set.
/// </summary>
internal static class TelemetrySetup
{
    public static IServiceCollection AddEngineTelemetry(this IServiceCollection services, MetricsOptions metrics, OtlpOptions otlp)
    {
        var otel = services.AddOpenTelemetry().WithMetrics(m =>
        {
            m.AddMeter("PersonalizationEngine.*", "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddNpgsqlInstrumentation();
            if (!metrics.Detailed) m.AddView(instrument => IsPerCallDetail(instrument.Name) ? MetricStreamConfiguration.Drop : null);
            m.AddPrometheusExporter();
            if (otlp.Endpoint is { Length: > 0 } endpoint) m.AddOtlpExporter(e => e.Endpoint = new Uri(endpoint));
        });
        // Traces only when something receives them: a listener makes ASP.NET Core start an Activity per request
        // (about 800 B each on the NBO path), which is waste when nothing exports it.
        if (otlp.Endpoint is { Length: > 0 } traces)
        {
            otel.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health") && !c.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(e => e.Endpoint = new Uri(traces)));
        }
        return services;
    }

    /// <summary>
    /// The libraries' instruments recorded on every request or grain call that <see cref="MetricsOptions.Detailed"/> keeps
    /// (a dropped instrument is not listened to at all, so the libraries skip recording it).
    /// </summary>
    internal static bool IsPerCallDetail(string instrument) => PerCallDetail.Any(p => instrument.StartsWith(p, StringComparison.Ordinal));

    private static readonly string[] PerCallDetail =
    [
        "aspnetcore.authentication.", "aspnetcore.authorization.", "aspnetcore.rate_limiting.", "aspnetcore.routing.", "aspnetcore.memory_pool.",
        "orleans-messaging-processing-", "orleans-messaging-sent-", "orleans-messaging-received-", "orleans-app-requests-", "orleans-directory-lookups-",
    ];
}
