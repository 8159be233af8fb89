using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PersonalizationEngine.Gateway.Validation;

namespace PersonalizationEngine.Gateway.OpenApi;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) the docs page runs on: the two security schemes (Bearer for API
/// keys, Basic for Segment write keys), each operation's requirement and required scope taken from its
/// authorization metadata, and example request bodies. Response bodies and problem responses come from each
/// route's typed results and <c>ProducesProblem</c> metadata.
/// </summary>
internal static class OpenApiSetup
{
    public const string Bearer = "Bearer";
    public const string Basic = "Basic";

    public static IServiceCollection AddEngineOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Personalization Engine API";
            document.Info.Description = "Real-time customer profiles, next best offer and churn risk. Authorize with an API key as `Authorization: Bearer <key>`; " +
                "Segment-compatible routes (`/v1/*`) and the tracker take the write key as the Basic-auth user name (empty password). " +
                "Every error is RFC 9457 problem details with `field` naming what was wrong and `errors` listing every bad field.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (POST /api/v1/keys creates one; Auth:AdminKey is the bootstrap admin key).",
            };
            document.Components.SecuritySchemes[Basic] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "Segment's convention: the write key (a key with the ingest scope) as the user name, the password empty.",
            };
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (!metadata.OfType<IAllowAnonymous>().Any())
            {
                var scopes = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
                var path = "/" + (context.Description.RelativePath ?? "");
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] });
                if (path.StartsWith("/v1/", StringComparison.Ordinal) || path.StartsWith("/t/", StringComparison.Ordinal))
                {
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Basic, context.Document)] = [] });
                }
                if (scopes.Count > 0)
                {
                    operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "") + $"Needs a key with the scope: {string.Join(", ", scopes)} (admin implies every scope).";
                }
            }
            if (metadata.OfType<DocumentedBodyMetadata>().LastOrDefault() is { } body)
            {
                var schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { [body.ContentType] = new() { Schema = schema } },
                };
            }
            if (metadata.OfType<RequestExampleMetadata>().LastOrDefault() is { } example && operation.RequestBody?.Content is { } content)
            {
                foreach (var media in content.Values)
                {
                    media.Example = JsonNode.Parse(example.Json);
                }
            }
        });
    });
}
