using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Catalog;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>
/// CRUD routes over a <see cref="Catalog{T}"/>: list, get, create (POST, 201; 409 if the id exists), replace
/// (PUT), delete. Bodies are bound by the framework as <typeparamref name="T"/> and checked by
/// <paramref name="validate"/> (an endpoint filter) before the handler runs; every error names its field.
/// </summary>
internal static class CatalogApi
{
    public static RouteGroupBuilder MapCatalog<T>(this IEndpointRouteBuilder app, string route, string tag, string example, Func<IServiceProvider, Catalog<T>> catalogOf, Func<T, IReadOnlyList<ValidationError>> validate, Func<T, string> idOf, Func<T, T>? present = null)
        where T : class
    {
        present ??= t => t;
        var noun = tag.ToLowerInvariant().TrimEnd('s');
        var name = tag.Replace(" ", "", StringComparison.Ordinal);
        var group = app.MapGroup(route).WithTags(tag).RequireScope(ApiScopes.Admin);
        var routes = new CatalogRoutes<T>(route, noun, catalogOf, idOf, present);
        group.MapGet("", routes.List).WithName("List" + name).WithSummary($"Every {noun}.");
        group.MapGet("/{id}", routes.Get).WithName("Get" + name).WithSummary($"One {noun}.").ProducesProblem(StatusCodes.Status404NotFound);
        // Passed as delegates: the route-handler analyzer of the SDK throws on a body of a type parameter (AD0001).
        Func<T, IServiceProvider, CancellationToken, Task<Results<Created<T>, ProblemHttpResult>>> create = routes.CreateAsync;
        Func<string, T, IServiceProvider, CancellationToken, Task<Results<Ok<T>, Created<T>, ProblemHttpResult>>> replace = routes.ReplaceAsync;
        group.MapPost("", create)
            .WithName("Create" + name).WithSummary($"Create a {noun} (409 when the id exists).")
            .AddEndpointFilter(new CatalogValidationFilter<T>(validate))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .WithMetadata(new Validation.RequestExampleMetadata(example));
        group.MapPut("/{id}", replace)
            .WithName("Replace" + name).WithSummary($"Create or replace a {noun}.")
            .AddEndpointFilter(new CatalogValidationFilter<T>(validate))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithMetadata(new Validation.RequestExampleMetadata(example));
        group.MapDelete("/{id}", routes.DeleteAsync).WithName("Delete" + name).WithSummary($"Delete a {noun}.").ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>The handlers of one catalogue's routes.</summary>
    private sealed class CatalogRoutes<T>(string route, string noun, Func<IServiceProvider, Catalog<T>> catalogOf, Func<T, string> idOf, Func<T, T> present)
        where T : class
    {
        public Ok<T[]> List(IServiceProvider sp) => TypedResults.Ok(catalogOf(sp).All.OrderBy(idOf, StringComparer.Ordinal).Select(present).ToArray());

        public Results<Ok<T>, ProblemHttpResult> Get(string id, IServiceProvider sp) =>
            catalogOf(sp).Get(id) is { } item ? TypedResults.Ok(present(item)) : ApiProblems.NotFound("id", $"No {noun} with id '{id}'.");

        public async Task<Results<Created<T>, ProblemHttpResult>> CreateAsync(T item, IServiceProvider sp, CancellationToken ct)
        {
            var catalog = catalogOf(sp);
            if (catalog.Get(idOf(item)) is not null) return ApiProblems.Conflict("id", "Already exists.", $"'{idOf(item)}' exists; PUT {route}/{idOf(item)} replaces it.");
            await catalog.UpsertAsync(item, ct);
            return TypedResults.Created($"{route}/{Uri.EscapeDataString(idOf(item))}", present(item));
        }

        public async Task<Results<Ok<T>, Created<T>, ProblemHttpResult>> ReplaceAsync(string id, T item, IServiceProvider sp, CancellationToken ct)
        {
            if (idOf(item) != id) return ApiProblems.Field("id", "The id in the body must match the id in the path.");
            var created = await catalogOf(sp).UpsertAsync(item, ct);
            return created ? TypedResults.Created($"{route}/{Uri.EscapeDataString(id)}", present(item)) : TypedResults.Ok(present(item));
        }

        public async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IServiceProvider sp, CancellationToken ct) =>
            await catalogOf(sp).DeleteAsync(id, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("id", $"No item with id '{id}'.");
    }

    /// <summary>The catalogue item's own rules (the domain validates offers, segments, policies and triggers).</summary>
    private sealed class CatalogValidationFilter<T>(Func<T, IReadOnlyList<ValidationError>> validate) : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            foreach (var argument in context.Arguments)
            {
                if (argument is T item && validate(item) is { Count: > 0 } errors) return ValueTask.FromResult<object?>(ApiProblems.Validation(errors));
            }
            return next(context);
        }
    }
}
