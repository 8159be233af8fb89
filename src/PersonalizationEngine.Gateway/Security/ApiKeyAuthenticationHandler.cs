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
        return Results.GetValue(key, Success);
    }

    // A key's principal never changes (a changed key is a new record), so its successful result is built once per
    // key, not per request (nothing downstream mutates it: the authentication service wraps it in a new ticket).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ApiKeyRecord, Task<AuthenticateResult>> Results = new();

    private static Task<AuthenticateResult> Success(ApiKeyRecord key) =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ApiKeyPrincipal(key), SchemeName)));

    /// <summary>True when the principal's key grants <paramref name="scope"/> (or admin).</summary>
    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user is ApiKeyPrincipal p ? p.Key.Allows(scope) : user.HasClaim(ScopeClaim, scope) || user.HasClaim(ScopeClaim, ApiScopes.Admin);

    /// <summary>The key the request was authenticated with, or null.</summary>
    public static ApiKeyRecord? KeyOf(ClaimsPrincipal user) => user is ApiKeyPrincipal p ? p.Key : null;

    /// <summary>The caller as claims (id, name, one scope claim per scope) that also knows its key record.</summary>
    private sealed class ApiKeyPrincipal(ApiKeyRecord key) : ClaimsPrincipal(new ClaimsIdentity(ClaimsOf(key), SchemeName))
    {
        public ApiKeyRecord Key { get; } = key;

        private static IEnumerable<Claim> ClaimsOf(ApiKeyRecord key) =>
            [new(ClaimTypes.NameIdentifier, key.Id), new(ClaimTypes.Name, key.Name), .. key.Scopes.Select(s => new Claim(ScopeClaim, s))];
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
