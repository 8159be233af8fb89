using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Gateway.Options;

/// <summary>Token bucket per API key, per IP for anonymous routes (section <c>RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public int PermitsPerSecond { get; set; } = 100_000;

    /// <summary>Bucket size; twice <see cref="PermitsPerSecond"/> when not set.</summary>
    public int? Burst { get; set; }

    public int EffectiveBurst => Burst ?? (int)Math.Min(int.MaxValue, PermitsPerSecond * 2L);

    internal sealed class Validator : IValidateOptions<RateLimitOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitOptions o) => new OptionsCheck(Section)
            .Range(nameof(PermitsPerSecond), o.PermitsPerSecond, 1, 100_000_000)
            .That(o.Burst is null or >= 1, nameof(Burst), $"must be at least 1 (was {o.Burst}).")
            .Result();
    }
}
