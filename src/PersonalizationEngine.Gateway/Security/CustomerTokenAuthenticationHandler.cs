using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Gateway.Problems;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// The customer-token scheme of the privacy routes: <c>Authorization: Bearer pct1.…</c>. A missing, tampered or expired
/// token answers 401 problem details that say which, and nothing else; the routes themselves answer 403 for a token of
/// another profile (<see cref="CustomerTokenFilter"/>).
/// </summary>
public sealed class CustomerTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CustomerTokens tokens) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "CustomerToken";
    public const string Policy = "customer-token";
    public const string ProfileClaim = "profile";
    private const string ExpiredItem = "pe.customer-token.expired";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        var presented = header[7..].Trim();
        if (!CustomerTokens.LooksLikeOne(presented)) return Task.FromResult(AuthenticateResult.Fail("Not a customer token."));
        var (payload, check) = tokens.Read(presented);
        if (payload is null)
        {
            if (check == CustomerTokenCheck.Expired) Context.Items[ExpiredItem] = true;
            return Task.FromResult(AuthenticateResult.Fail(check == CustomerTokenCheck.Expired ? "The customer token has expired." : "The customer token is not valid."));
        }
        var identity = new ClaimsIdentity([new Claim(ProfileClaim, payload.Sub), new Claim("exp", payload.Exp.ToString(System.Globalization.CultureInfo.InvariantCulture))], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>The profile a (valid) customer token is for, or null.</summary>
    public static string? ProfileOf(ClaimsPrincipal user) => user.FindFirst(ProfileClaim)?.Value;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"personalization-engine-privacy\"";
        var header = Request.Headers.Authorization.ToString();
        var detail = Context.Items.ContainsKey(ExpiredItem)
            ? "The customer token has expired: ask the site for a new link."
            : header.Length == 0 ? "A customer token is required: Authorization: Bearer <token from the site's privacy link>." : "The customer token is not valid.";
        return ProblemWriter.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized.", detail, "Authorization");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden.", "This token does not grant access here.", "Authorization");
}

/// <summary>The privacy routes name a profile: a token for any other profile is refused with 403 before the handler runs.</summary>
internal sealed class CustomerTokenFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var route = context.HttpContext.Request.RouteValues["profileId"] as string;
        var granted = CustomerTokenAuthenticationHandler.ProfileOf(context.HttpContext.User);
        if (granted is null || !string.Equals(route, granted, StringComparison.Ordinal))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.",
                detail: "This token is for another customer: it grants access to that customer's data only.", type: ProblemTypes.For(StatusCodes.Status403Forbidden),
                extensions: new Dictionary<string, object?> { ["field"] = "profileId" }));
        }
        return next(context);
    }
}
