using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>Wiring of source trust (issue 20): key trust levels, identity verification, public-route limits, CORS.</summary>
public static class SourceTrustExtensions
{
    public static IServiceCollection AddSourceTrust(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IConfigureOptions<AuthOptions>>(new WriteKeyConfiguration(configuration));
        services.AddSingleton<IdentityKeys>();
        services.AddSingleton<IdentityTokens>();
        services.AddSingleton<IdentityVerifier>();
        var limits = new PublicLimits();
        configuration.GetSection("RateLimits:Public").Bind(limits);
        configuration.GetSection("Limits:Public").Bind(limits);
        services.AddSingleton(limits);
        services.AddSingleton<ICorsPolicyProvider, PublicCorsPolicyProvider>();
        services.AddCors();
        return services;
    }

    /// <summary>After authentication: the guard of requests made with browser keys.</summary>
    public static IApplicationBuilder UsePublicSourceGuard(this IApplicationBuilder app) => app.UseMiddleware<PublicSourceGuard>();
}
