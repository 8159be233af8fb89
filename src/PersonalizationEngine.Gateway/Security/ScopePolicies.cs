namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// Requiring a scope on a route or group: the authorization policy of that name (see <c>AddEngine</c>), and the
/// 401/403/429 problem responses every keyed route can give, so the OpenAPI document lists them.
/// </summary>
public static class ScopePolicies
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        if (!ApiScopes.All.Contains(scope)) throw new ArgumentOutOfRangeException(nameof(scope), scope, "Unknown scope.");
        return builder.RequireAuthorization(scope)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
