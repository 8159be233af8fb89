using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Gateway.Options;

/// <summary>
/// Collects what is wrong with one options section, each message naming the configuration key
/// (<c>Limits:IngestConcurrency must be 1 to 100000 (was 0).</c>). Values of secrets are never quoted.
/// </summary>
internal sealed class OptionsCheck(string section)
{
    private readonly List<string> _failures = [];

    public OptionsCheck Range(string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max) _failures.Add($"{section}:{key} must be {min:G} to {max:G} (was {value:G}).");
        return this;
    }

    public OptionsCheck Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) _failures.Add($"{section}:{key} must be a positive duration such as 00:15:00 (was {value}).");
        return this;
    }

    public OptionsCheck That(bool ok, string key, string requirement)
    {
        if (!ok) _failures.Add($"{section}:{key} {requirement}");
        return this;
    }

    public ValidateOptionsResult Result() => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);
}

/// <summary>Binds a section with <c>BindConfiguration</c> and validates it when the host starts.</summary>
internal static class OptionsRegistration
{
    public static IServiceCollection AddCheckedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services;
    }
}
