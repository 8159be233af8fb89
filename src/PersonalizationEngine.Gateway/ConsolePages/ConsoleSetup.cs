using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using PersonalizationEngine.Gateway.Apis;
using PersonalizationEngine.Gateway.Options;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.ConsolePages;

/// <summary>
/// The console (issue 19): static pages under <c>/console/</c> calling these read routes, the server-side history they
/// chart, and the customer tokens of the privacy page.
/// </summary>
internal static class ConsoleSetup
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddCheckedOptions<ConsoleHistoryOptions, ConsoleHistoryOptionsValidator>(ConsoleHistoryOptions.Section);
        services.AddSingleton<ConsoleHistory>();
        services.AddSingleton<ConsoleSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleSampler>());
        services.AddSingleton(_ => new IngestLag());
        services.AddSingleton<CustomerConsole>();
        services.AddSingleton<CustomerTokens>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, CustomerTokenAuthenticationHandler>(CustomerTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(CustomerTokenAuthenticationHandler.Policy, p => p
            .AddAuthenticationSchemes(CustomerTokenAuthenticationHandler.SchemeName)
            .RequireClaim(CustomerTokenAuthenticationHandler.ProfileClaim));
        return services;
    }

    public static IEndpointRouteBuilder MapConsoleApis(this IEndpointRouteBuilder app)
    {
        app.MapCustomerConsoleApi();
        app.MapExperimentsApi();
        app.MapSegmentHistoryApi();
        app.MapPrivacyApi();
        return app;
    }
}
