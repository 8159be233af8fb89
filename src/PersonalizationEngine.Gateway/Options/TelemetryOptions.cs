using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Gateway.Options;

/// <summary>The Prometheus endpoint and optional metrics (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Open <c>/metrics</c> to a scraper without a key.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Also record the libraries' per-request and per-message instruments (ASP.NET Core authentication, authorization,
    /// rate limiting, routing and memory pool; Orleans messaging, directory lookups and application request latency).
    /// Off by default: they are recorded on every request and every grain call and cost about 6% of the CPU of a
    /// next-best-offer answer, while <c>http.server.request.duration</c>, Kestrel's connections, Orleans' activations and
    /// the engine's own meters stay.
    /// </summary>
    public bool Detailed { get; set; }
}

/// <summary>OTLP export of traces and metrics (section <c>Otlp</c>); off without an endpoint.</summary>
public sealed class OtlpOptions
{
    public const string Section = "Otlp";

    public string? Endpoint { get; set; }

    internal sealed class Validator : IValidateOptions<OtlpOptions>
    {
        public ValidateOptionsResult Validate(string? name, OtlpOptions o) => new OptionsCheck(Section)
            .That(string.IsNullOrEmpty(o.Endpoint) || (Uri.TryCreate(o.Endpoint, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                nameof(Endpoint), $"must be an absolute http(s) URL such as http://collector:4317 (was '{o.Endpoint}').")
            .Result();
    }
}

/// <summary>The demo catalogue and store (section <c>Demo</c>; Development only).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    /// <summary>The write key the demo page uses (public by nature: it is in the page).</summary>
    public string? WriteKey { get; set; }

    internal sealed class Validator : IValidateOptions<DemoOptions>
    {
        public ValidateOptionsResult Validate(string? name, DemoOptions o) => new OptionsCheck(Section)
            .That(!o.Enabled || !string.IsNullOrEmpty(o.WriteKey), nameof(WriteKey), "is required when Demo:Enabled is true (the store page sends events with it).")
            .Result();
    }
}
