using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Gateway.Options;

/// <summary>Request limits and ingestion admission (section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Larger bodies get 413 (declared sizes up front, streamed ones by Kestrel).</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Ingestion batches worked on at once.</summary>
    public int IngestConcurrency { get; set; } = 64;

    /// <summary>Ingestion batches waiting for a slot; beyond it 503 + Retry-After before the body is read.</summary>
    public int IngestQueue { get; set; } = 128;

    internal sealed class Validator : IValidateOptions<LimitsOptions>
    {
        public ValidateOptionsResult Validate(string? name, LimitsOptions o) => new OptionsCheck(Section)
            .Range(nameof(MaxRequestBodyBytes), o.MaxRequestBodyBytes, 1024, 1L << 30)
            .Range(nameof(IngestConcurrency), o.IngestConcurrency, 1, 100_000)
            .Range(nameof(IngestQueue), o.IngestQueue, 0, 1_000_000)
            .Result();
    }
}
