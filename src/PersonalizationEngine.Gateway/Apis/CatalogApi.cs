using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Catalog;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>
/// CRUD routes over a <see cref="Catalog{T}"/>: list, get, create (POST, 201; 409 if the id exists), replace
/// (PUT), delete. Bodies are validated by <paramref name="validate"/> and every error names its field.
/// </summary>
internal static class CatalogApi
{
    public static RouteGroupBuilder MapCatalog<T>(this IEndpointRouteBuilder app, string route, string tag, Func<IServiceProvider, Catalog<T>> catalogOf, Func<T, IReadOnlyList<ValidationError>> validate, Func<T, string> idOf, Func<T, object>? present = null)
        where T : class
    {
        present ??= t => t;
        var group = app.MapGroup(route).WithTags(tag).RequireAuthorization("admin");
        group.MapGet("", (IServiceProvider sp) => Results.Ok(catalogOf(sp).All.OrderBy(idOf, StringComparer.Ordinal).Select(present)));
        group.MapGet("/{id}", (string id, IServiceProvider sp) =>
            catalogOf(sp).Get(id) is { } item ? Results.Ok(present(item)) : ApiProblems.NotFound("id", $"No {tag.ToLowerInvariant().TrimEnd('s')} with id '{id}'."));
        group.MapPost("", async (HttpRequest request, IServiceProvider sp, CancellationToken ct) =>
        {
            var (item, problem) = await ReadAsync(request, validate, ct);
            if (problem is not null) return problem;
            var catalog = catalogOf(sp);
            if (catalog.Get(idOf(item!)) is not null)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already exists.", detail: $"'{idOf(item!)}' exists; PUT {route}/{idOf(item!)} replaces it.",
                    extensions: new Dictionary<string, object?> { ["field"] = "id" });
            }
            await catalog.UpsertAsync(item!, ct);
            return Results.Created($"{route}/{Uri.EscapeDataString(idOf(item!))}", present(item!));
        });
        group.MapPut("/{id}", async (string id, HttpRequest request, IServiceProvider sp, CancellationToken ct) =>
        {
            var (item, problem) = await ReadAsync(request, validate, ct);
            if (problem is not null) return problem;
            if (idOf(item!) != id) return ApiProblems.Field("id", "The id in the body must match the id in the path.");
            var created = await catalogOf(sp).UpsertAsync(item!, ct);
            return created ? Results.Created($"{route}/{Uri.EscapeDataString(id)}", present(item!)) : Results.Ok(present(item!));
        });
        group.MapDelete("/{id}", async (string id, IServiceProvider sp, CancellationToken ct) =>
            await catalogOf(sp).DeleteAsync(id, ct) ? Results.NoContent() : ApiProblems.NotFound("id", $"No item with id '{id}'."));
        return group;
    }

    private static async Task<(T? Item, IResult? Problem)> ReadAsync<T>(HttpRequest request, Func<T, IReadOnlyList<ValidationError>> validate, CancellationToken ct) where T : class
    {
        T? item;
        try
        {
            item = await JsonSerializer.DeserializeAsync<T>(request.Body, new JsonSerializerOptions(JsonSerializerOptions.Web) { MaxDepth = 32 }, ct);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } p ? p[2..] : "body";
            return (null, ApiProblems.Field(field, "Not valid: " + ex.Message));
        }
        if (item is null) return (null, ApiProblems.Field("body", "A JSON object is required."));
        var errors = validate(item);
        return errors.Count > 0 ? (null, ApiProblems.Validation(errors)) : (item, null);
    }
}
