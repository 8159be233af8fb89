using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Gateway.Validation;
using PersonalizationEngine.Grains;
using PersonalizationEngine.Grains.Customers;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>
/// Customer 360 reads for the console (issue 19): the event timeline, the identity graph, segments with entry times
/// and the last decisions; and the customer token a business's backend asks for to link a customer to their privacy page.
/// </summary>
internal static class CustomerConsoleApi
{
    private const string NoSuchCustomer = "No customer is known by that reference.";
    private const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapCustomerConsoleApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/customers/{ref}").WithTags("Customers").RequireScope(ApiScopes.Query)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/timeline", TimelineAsync).WithName("GetCustomerTimeline")
            .WithSummary("The events the journal holds for the customer, newest first: type, channel, time, key properties (identifiers by type only); ?offset=0&limit=20.");
        group.MapGet("/identity-graph", IdentityGraphAsync).WithName("GetIdentityGraph")
            .WithSummary("Identifiers (masked) with the source and time that linked them, and the merges and unmerges the journal records.");
        group.MapGet("/activity", ActivityAsync).WithName("GetCustomerActivity")
            .WithSummary("Segments with the time each was entered, and the last decisions with their score breakdown and what the customer did.");
        group.MapPost("/privacy-token", IssuePrivacyTokenAsync).WithName("IssuePrivacyToken").ValidateRequest()
            .WithRequestExample("""{"ttlSeconds":600}""")
            .WithSummary("A short-lived token for this one customer's privacy page (the business's backend links the customer to pageUrl).");
        return app;
    }

    private static async Task<Results<Ok<TimelinePage>, ProblemHttpResult>> TimelineAsync(string @ref, int? offset, int? limit, CustomerDirectory directory, CustomerConsole console, IOptions<EngineOptions> engine)
    {
        if (offset is < 0 or > 100_000) return ApiProblems.Field("offset", "offset is 0 to 100000.");
        if (limit is < 1 or > MaxLimit) return ApiProblems.Field("limit", $"limit is 1 to {MaxLimit}.");
        var (id, problem) = await CustomersApi.ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var page = await console.TimelineAsync(id!, offset ?? 0, limit ?? 20);
        return page is null ? ApiProblems.NotFound("ref", NoSuchCustomer) : TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<IdentityGraph>, ProblemHttpResult>> IdentityGraphAsync(string @ref, CustomerDirectory directory, CustomerConsole console, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await CustomersApi.ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var graph = await console.IdentityGraphAsync(id!);
        return graph is null ? ApiProblems.NotFound("ref", NoSuchCustomer) : TypedResults.Ok(graph);
    }

    private static async Task<Results<Ok<CustomerActivity>, ProblemHttpResult>> ActivityAsync(string @ref, CustomerDirectory directory, CustomerConsole console, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await CustomersApi.ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var activity = await console.ActivityAsync(id!);
        return activity is null ? ApiProblems.NotFound("ref", NoSuchCustomer) : TypedResults.Ok(activity);
    }

    private static async Task<Results<Created<IssuedPrivacyToken>, ProblemHttpResult>> IssuePrivacyTokenAsync(string @ref, PrivacyTokenRequest request, CustomerDirectory directory, CustomerTokens tokens, IOptions<EngineOptions> engine)
    {
        var (id, problem) = await CustomersApi.ResolveAsync(@ref, directory, engine);
        if (problem is not null) return problem;
        var lifetime = request.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : CustomerTokens.DefaultLifetime;
        var (token, expiresAt) = tokens.Issue(id!, lifetime);
        return TypedResults.Created((string?)null, new IssuedPrivacyToken(token, expiresAt, id!, "/console/privacy.html#token=" + token));
    }
}
