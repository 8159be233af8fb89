using Microsoft.AspNetCore.Cors.Infrastructure;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// CORS for the tracking routes (ASP.NET Core's CORS middleware with this policy provider). A preflight carries no
/// key, so it is allowed for an origin that some browser key lists; the request itself is then checked against
/// its own key's list by <see cref="PublicSourceGuard"/> (403 for an origin the key does not allow). Other routes
/// get no CORS headers: they are for servers and the same-origin dashboard.
/// </summary>
internal sealed class PublicCorsPolicyProvider : ICorsPolicyProvider
{
    private readonly CorsPolicy _policy;

    public PublicCorsPolicyProvider(ApiKeyRegistry registry)
    {
        _policy = new CorsPolicyBuilder()
            .SetIsOriginAllowed(origin => Origins.TryNormalize(origin, out var o) && registry.AnyBrowserKeyAllows(o))
            .WithMethods("GET", "POST")
            .WithHeaders("Authorization", "Content-Type", "Content-Encoding", IdentityVerifier.UserHashHeader, IdentityVerifier.TokenHeader)
            .WithExposedHeaders("Retry-After")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
            .Build();
    }

    public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName) =>
        Task.FromResult(PublicSourceGuard.IsTrackingPath(context.Request.Path) ? _policy : null);
}
