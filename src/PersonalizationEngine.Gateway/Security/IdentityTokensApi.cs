using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Apis;

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
        app.MapPost("/api/v1/identity-tokens", IssueAsync).WithTags("Keys").RequireAuthorization(ApiScopes.Ingest)
            .WithSummary("Issue a short-lived identity token for a user's identifiers (server keys only): {\"identifiers\": {\"user_id\": \"42\"}, \"ttlSeconds\": 600, \"source\": \"<browser key id>\"}.");
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpRequest request, IdentityVerifier verifier, ApiKeyRegistry registry, CancellationToken ct)
    {
        if (ApiKeyAuthenticationHandler.KeyOf(request.HttpContext.User) is not { IsBrowser: false })
        {
            return Results.Problem(statusCode: 403, title: "Forbidden.", detail: "Identity tokens are issued only to server keys (a site's backend).",
                extensions: new Dictionary<string, object?> { ["field"] = "Authorization" });
        }
        using var body = await BodyJson.ReadAsync(request, ct);
        if (body.Error is { } error) return error;
        var root = body.Document!.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return ApiProblems.Field("body", "Send {\"identifiers\": {\"user_id\": \"42\"}, \"ttlSeconds\": 600}.");
        var errors = new List<ValidationError>();
        var identifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("identifiers", out var ids) || ids.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new("identifiers", "identifiers is an object of type → value, e.g. {\"user_id\": \"42\"}."));
        }
        else
        {
            foreach (var p in ids.EnumerateObject())
            {
                var type = p.Name.Trim().ToLowerInvariant();
                if (type.Length is 0 or > 32 || !type.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
                    errors.Add(new("identifiers." + p.Name, "An identifier type is 1 to 32 characters of a-z, 0-9 and _."));
                else if (verifier.IsAnonymousType(type))
                    errors.Add(new("identifiers." + p.Name, $"{type} needs no token."));
                else if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: > 0 and <= 256 } value || string.IsNullOrWhiteSpace(value))
                    errors.Add(new("identifiers." + p.Name, "An identifier value is a string of 1 to 256 characters."));
                else identifiers[type] = value;
            }
            if (errors.Count == 0 && identifiers.Count == 0) errors.Add(new("identifiers", "Name at least one identifier."));
            if (identifiers.Count > MaxIdentifiers) errors.Add(new("identifiers", $"At most {MaxIdentifiers} identifiers per token."));
        }
        var tokens = verifier.Tokens;
        var lifetime = tokens.DefaultLifetime;
        if (root.TryGetProperty("ttlSeconds", out var ttl) && ttl.ValueKind != JsonValueKind.Null)
        {
            if (ttl.ValueKind != JsonValueKind.Number || !ttl.TryGetInt32(out var seconds) || seconds < 1 || seconds > tokens.MaxLifetime.TotalSeconds)
                errors.Add(new("ttlSeconds", $"ttlSeconds is 1 to {tokens.MaxLifetime.TotalSeconds:0}."));
            else lifetime = TimeSpan.FromSeconds(seconds);
        }
        string? audience = null;
        if (root.TryGetProperty("source", out var source) && source.ValueKind != JsonValueKind.Null)
        {
            audience = source.ValueKind == JsonValueKind.String ? source.GetString() : null;
            if (audience is null || registry.Keys.FirstOrDefault(k => k.Id == audience) is not { IsBrowser: true })
                errors.Add(new("source", "source is the id of a browser key (GET /api/v1/keys)."));
        }
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        var (token, expiresAt) = tokens.Issue(identifiers, lifetime, audience);
        return Results.Json(new { token, expiresAt, identifiers = identifiers.Keys, source = audience }, statusCode: StatusCodes.Status201Created);
    }
}
