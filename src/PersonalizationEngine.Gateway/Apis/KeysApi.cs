using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Gateway.Validation;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>API keys: create (the secret is shown once), list (no secrets), revoke.</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/keys").WithTags("Keys").RequireScope(ApiScopes.Admin);
        group.MapPost("", CreateAsync).WithName("CreateKey").ValidateRequest().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Create a key: {\"name\", \"scopes\": [\"ingest\"|\"query\"|\"admin\"], \"trust\": \"server\"|\"browser\", \"allowedOrigins\": [...]}; the key (and a browser key's verification secret) is returned once.")
            .WithRequestExample("""{"name":"analytics","scopes":["query"]}""");
        group.MapGet("", List).WithName("ListKeys").WithSummary("Every key, without secrets.");
        group.MapDelete("/{id}", RevokeAsync).WithName("RevokeKey").WithSummary("Revoke a key created through the API.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static Ok<KeyView[]> List(ApiKeyRegistry registry) => TypedResults.Ok(registry.Keys.Select(KeyView.From).ToArray());

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, ApiKeyRegistry registry, CancellationToken ct)
    {
        var key = registry.Keys.FirstOrDefault(k => k.Id == id);
        if (key is null) return ApiProblems.NotFound("id", $"No key with id '{id}'.");
        if (key.Bootstrap) return ApiProblems.Conflict("id", "Configured key.", "Keys from configuration are revoked by changing the configuration.");
        await registry.RevokeAsync(id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<CreatedKey>> CreateAsync(CreateKeyRequest request, ApiKeyRegistry registry, CancellationToken ct)
    {
        var (record, secret) = await registry.CreateAsync(request.Name!.Trim(), request.Scopes!, ct, request.TrustLevel, request.Origins);
        return TypedResults.Created($"/api/v1/keys/{record.Id}", CreatedKey.From(record, secret));
    }
}
