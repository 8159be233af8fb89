using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Apis;
using PersonalizationEngine.Gateway.Validation;

namespace PersonalizationEngine.Gateway.Security;

/// <summary>
/// <c>POST /api/v1/identity-tokens</c>: a site's backend (a server key with the ingest scope) asks for a short-lived
/// token for its logged-in user's identifiers and hands it to the page, which passes it to the tracker.
/// </summary>
internal static class IdentityTokensApi
{
    private const int MaxIdentifiers = 10;

    public static IEndpointRouteBuilder MapIdentityTokensApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/identity-tokens", Issue).WithName("IssueIdentityToken").WithTags("Keys").RequireScope(ApiScopes.Ingest)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithRequestExample("""{"identifiers":{"user_id":"42"},"ttlSeconds":600}""")
            .WithSummary("Issue a short-lived identity token for a user's identifiers (server keys only): {\"identifiers\": {\"user_id\": \"42\"}, \"ttlSeconds\": 600, \"source\": \"<browser key id>\"}.");
        return app;
    }

    private static Results<Created<IssuedIdentityToken>, ProblemHttpResult> Issue(IdentityTokenRequest request, HttpContext http, IdentityVerifier verifier, ApiKeyRegistry registry)
    {
        if (ApiKeyAuthenticationHandler.KeyOf(http.User) is not { IsBrowser: false })
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden.", detail: "Identity tokens are issued only to server keys (a site's backend).",
                extensions: new Dictionary<string, object?> { ["field"] = "Authorization" });
        }
        var errors = new List<ValidationError>();
        var identifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.Identifiers is not { } ids)
        {
            errors.Add(new("identifiers", "identifiers is an object of type → value, e.g. {\"user_id\": \"42\"}."));
        }
        else
        {
            foreach (var (name, raw) in ids)
            {
                var type = name.Trim().ToLowerInvariant();
                if (type.Length is 0 or > 32 || !type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                    errors.Add(new("identifiers." + name, "An identifier type is 1 to 32 characters of a-z, 0-9 and _."));
                else if (verifier.IsAnonymousType(type))
                    errors.Add(new("identifiers." + name, $"{type} needs no token."));
                else if (raw is not { Length: > 0 and <= 256 } value || string.IsNullOrWhiteSpace(value))
                    errors.Add(new("identifiers." + name, "An identifier value is a string of 1 to 256 characters."));
                else identifiers[type] = value;
            }
            if (errors.Count == 0 && identifiers.Count == 0) errors.Add(new("identifiers", "Name at least one identifier."));
            if (identifiers.Count > MaxIdentifiers) errors.Add(new("identifiers", $"At most {MaxIdentifiers} identifiers per token."));
        }
        var tokens = verifier.Tokens;
        var lifetime = tokens.DefaultLifetime;
        if (request.TtlSeconds is { } seconds)
        {
            if (seconds < 1 || seconds > tokens.MaxLifetime.TotalSeconds) errors.Add(new("ttlSeconds", $"ttlSeconds is 1 to {tokens.MaxLifetime.TotalSeconds:0}."));
            else lifetime = TimeSpan.FromSeconds(seconds);
        }
        var audience = request.Source;
        if (audience is not null && registry.Keys.FirstOrDefault(k => k.Id == audience) is not { IsBrowser: true })
        {
            errors.Add(new("source", "source is the id of a browser key (GET /api/v1/keys)."));
        }
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        var (token, expiresAt) = tokens.Issue(identifiers, lifetime, audience);
        return TypedResults.Created((string?)null, new IssuedIdentityToken(token, expiresAt, [.. identifiers.Keys], audience));
    }
}

/// <summary><c>POST /api/v1/identity-tokens</c>: the logged-in user's identifiers (type → value), a lifetime, and optionally the browser key it is for.</summary>
public sealed record IdentityTokenRequest(Dictionary<string, string?>? Identifiers, int? TtlSeconds = null, string? Source = null);

/// <summary>An issued identity token: pass it to the tracker (<c>pe.identify(..., { identityToken })</c>) before it expires.</summary>
public sealed record IssuedIdentityToken(string Token, DateTimeOffset ExpiresAt, IReadOnlyList<string> Identifiers, string? Source);
