using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>API keys: create (the secret is shown once), list (no secrets), revoke.</summary>
internal static class KeysApi
{
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/keys").WithTags("Keys").RequireAuthorization(ApiScopes.Admin);
        group.MapPost("", CreateAsync).WithSummary("Create a key: {\"name\", \"scopes\": [\"ingest\"|\"query\"|\"admin\"], \"trust\": \"server\"|\"browser\", \"allowedOrigins\": [...]}; the key (and a browser key's verification secret) is returned once.");
        group.MapGet("", (ApiKeyRegistry registry) => Results.Ok(registry.Keys.Select(View)));
        group.MapDelete("/{id}", async (string id, ApiKeyRegistry registry, CancellationToken ct) =>
        {
            var key = registry.Keys.FirstOrDefault(k => k.Id == id);
            if (key is null) return ApiProblems.NotFound("id", $"No key with id '{id}'.");
            if (key.Bootstrap)
            {
                return Results.Problem(statusCode: 409, title: "Configured key.", detail: "Keys from configuration are revoked by changing the configuration.",
                    extensions: new Dictionary<string, object?> { ["field"] = "id" });
            }
            await registry.RevokeAsync(id, ct);
            return Results.NoContent();
        });
        return app;
    }

    private static object View(ApiKeyRecord k) => new { id = k.Id, name = k.Name, scopes = k.Scopes, trust = k.Trust, allowedOrigins = k.AllowedOrigins, prefix = k.Prefix, createdAt = k.CreatedAt, fromConfiguration = k.Bootstrap };

    private static async Task<IResult> CreateAsync(HttpRequest request, ApiKeyRegistry registry, CancellationToken ct)
    {
        using var body = await BodyJson.ReadAsync(request, ct);
        if (body.Error is { } error) return error;
        var root = body.Document!.RootElement;
        var errors = new List<ValidationError>();
        string? name = null;
        var scopes = new List<string>();
        if (root.ValueKind != JsonValueKind.Object) return ApiProblems.Field("body", "Send {\"name\": \"...\", \"scopes\": [\"ingest\"]}.");
        if (!root.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString()) || n.GetString()!.Length > 100)
            errors.Add(new("name", "name is required (1 to 100 characters)."));
        else name = n.GetString()!.Trim();
        if (!root.TryGetProperty("scopes", out var s) || s.ValueKind != JsonValueKind.Array || s.GetArrayLength() == 0)
            errors.Add(new("scopes", "scopes is a non-empty array of ingest, query, admin."));
        else
        {
            var i = 0;
            foreach (var scope in s.EnumerateArray())
            {
                if (scope.ValueKind == JsonValueKind.String && ApiScopes.All.Contains(scope.GetString()!)) scopes.Add(scope.GetString()!);
                else errors.Add(new($"scopes[{i}]", "Unknown scope: use ingest, query or admin."));
                i++;
            }
        }
        var (trust, origins) = KeyTrustRequest.Read(root, scopes, errors);
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        var (record, secret) = await registry.CreateAsync(name!, scopes, ct, trust, origins);
        return Results.Created($"/api/v1/keys/{record.Id}", KeyTrustRequest.Created(record, secret));
    }
}
