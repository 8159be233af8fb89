using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Gateway.Problems;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// API keys as <c>Authorization: Bearer &lt;key&gt;</c>, or Basic auth whose user name is the key (Segment's write
/// key convention; the password is ignored). The public tracker routes may also pass <c>?writeKey=</c>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry registry) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ScopeClaim = "scope";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(Request);
        if (presented is null) return Task.FromResult(AuthenticateResult.NoResult());
        var key = registry.Find(presented);
        if (key is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Principals.GetValue(key, Principal), SchemeName)));
    }

    // A key's principal never changes (a changed key is a new record), so it is built once per key, not per request.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ApiKeyRecord, ClaimsPrincipal> Principals = new();

    private static ClaimsPrincipal Principal(ApiKeyRecord key)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, key.Id), new(ClaimTypes.Name, key.Name) };
        claims.AddRange(key.Scopes.Select(s => new Claim(ScopeClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    internal static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':');
                return colon < 0 ? decoded : decoded[..colon];
            }
            catch (FormatException)
            {
                return "";
            }
        }
        if ((request.Path.StartsWithSegments("/t") || request.Path.StartsWithSegments("/v1")) && request.Query.TryGetValue("writeKey", out var writeKey)) return writeKey.ToString();
        return null;
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"personalization-engine\"";
        var detail = Presented(Request) is null
            ? "An API key is required: Authorization: Bearer <key> (or Basic with the write key as user name)."
            : "The API key is not valid.";
        return ProblemWriter.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized.", detail, "Authorization");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemWriter.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden.", "The API key does not have the scope this route needs.", "Authorization");
}
