using Microsoft.Extensions.Options;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Options;

internal static class GatewayOptionsExtensions
{
    /// <summary>Every configuration section as an options class, bound and validated when the host starts.</summary>
    public static IServiceCollection AddEngineOptions(this IServiceCollection services)
    {
        services.AddCheckedOptions<LimitsOptions, LimitsOptions.Validator>(LimitsOptions.Section);
        services.AddCheckedOptions<RateLimitOptions, RateLimitOptions.Validator>(RateLimitOptions.Section);
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddCheckedOptions<OtlpOptions, OtlpOptions.Validator>(OtlpOptions.Section);
        services.AddCheckedOptions<DemoOptions, DemoOptions.Validator>(DemoOptions.Section);
        services.AddCheckedOptions<EngineSectionOptions, EngineSectionOptions.Validator>(EngineSectionOptions.Section);
        services.AddCheckedOptions<ActorsSectionOptions, ActorsSectionOptions.Validator>(ActorsSectionOptions.Section);
        services.AddCheckedOptions<DecisioningSectionOptions, DecisioningSectionOptions.Validator>(DecisioningSectionOptions.Section);
        services.AddCheckedOptions<AuthOptions, AuthOptionsValidator>("Auth");
        return services;
    }

    /// <summary>
    /// The sections the engine's services read by hand while the host is built (before start-time validation
    /// runs) are checked here, at once: a wrong value there would otherwise fail as a bare FormatException.
    /// </summary>
    public static void CheckEngineSections(IConfiguration configuration)
    {
        Check(configuration, StorageSectionOptions.Section, new StorageSectionOptions.Validator(configuration));
        Check(configuration, EngineSectionOptions.Section, new EngineSectionOptions.Validator());
        Check(configuration, ActorsSectionOptions.Section, new ActorsSectionOptions.Validator());
        Check(configuration, DecisioningSectionOptions.Section, new DecisioningSectionOptions.Validator());
    }

    private static void Check<TOptions>(IConfiguration configuration, string section, IValidateOptions<TOptions> validator) where TOptions : class, new()
    {
        // The binder's own failure names the key ("Failed to convert configuration value 'x' at 'Engine:...'").
        var options = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        var result = validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed) throw new OptionsValidationException(section, typeof(TOptions), result.Failures);
    }
}
