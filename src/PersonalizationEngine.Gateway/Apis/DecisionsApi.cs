using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Validation;
using PersonalizationEngine.Grains;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Decisioning;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>Next best offer (customers API and the public tracker route), offers and contact policies.</summary>
internal static class DecisionsApi
{
    public static IEndpointRouteBuilder MapDecisionsApi(this IEndpointRouteBuilder app)
    {
        var customer = app.MapGroup("/api/v1/customers/{ref}/next-best-offer").WithTags("Decisions").RequireScope(ApiScopes.Query)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        customer.MapGet("", DecideAsync).WithName("GetNextBestOffer").Produces<NboAnswer>()
            .WithSummary("Next best offer: ?channel=web&placement=home&limit=3 (&explain=true for every rule outcome).");
        customer.MapPost("", DecideWithContextAsync).WithName("PostNextBestOffer").Produces<NboAnswer>().ValidateRequest()
            .WithSummary("Next best offer with a context body.")
            .WithRequestExample("""{"channel":"web","placement":"home","limit":3,"contextWeights":{"free-shipping":1.5},"explain":false}""");

        // The public tracker route: a website asks with its (public) write key for its visitor.
        app.MapGet("/t/v1/offers", async Task<Results<JsonHttpResult<VisitorOffers>, ProblemHttpResult>> (HttpContext http, string? anonymousId, string? userId, string? channel, string? placement, int? limit, DecisionService decisions, DecisioningCatalog catalog) =>
        {
            if (string.IsNullOrWhiteSpace(anonymousId) && string.IsNullOrWhiteSpace(userId)) return ApiProblems.Field("anonymousId", "anonymousId or userId is required.");
            var (input, problem) = Input(channel ?? "web", placement, limit ?? 1, null);
            if (problem is not null) return problem;
            var refs = new List<string>();
            // A browser key personalises by a user id only with proof (user hash or identity token); otherwise the
            // answer is the anonymous visitor's, so probing user ids learns nothing (issue 20).
            if (!string.IsNullOrWhiteSpace(userId) && IdentityVerifier.MayUseUserId(http, userId)) refs.Add("user_id:" + userId);
            if (!string.IsNullOrWhiteSpace(anonymousId)) refs.Add("anonymous_id:" + anonymousId);
            var view = await decisions.DecideForVisitorAsync(refs, input!);
            // Only what the page needs: no profile data goes to the browser.
            return TypedResults.Json(VisitorOffers.From(view, catalog), GatewayJsonContext.Default.VisitorOffers);
        }).WithTags("Public tracker").RequireScope(ApiScopes.Ingest).Produces<VisitorOffers>().ProducesProblem(StatusCodes.Status400BadRequest).WithName("GetVisitorOffers").WithSummary("Offers for a website visitor, with the site's write key.");

        app.MapCatalog<OfferDefinition>("/api/v1/offers", "Offers",
            """{"offerId":"free-shipping","name":"Free shipping","value":6,"placements":["home"],"creative":{"title":"Free shipping on your next order"}}""",
            sp => sp.GetRequiredService<DecisioningCatalog>().Offers, o => o.Compile().Errors, o => o.OfferId);
        app.MapGet("/api/v1/offers/{id}/stats", OfferStats).WithName("GetOfferStats").WithTags("Offers").RequireScope(ApiScopes.Query).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("KPIs: impressions, clicks, accepts, conversions, revenue, CTR and CVR with 95% intervals, uplift vs control, exploration share.");
        app.MapCatalog<ContactPolicy>("/api/v1/contact-policies", "Contact policies",
            """{"policyId":"email-weekly","channel":"email","maxContacts":1,"windowDays":7}""",
            sp => sp.GetRequiredService<DecisioningCatalog>().Policies, p => p.Validate(), p => p.PolicyId);
        return app;
    }

    private static Results<Ok<OfferKpi>, ProblemHttpResult> OfferStats(string id, DecisionService decisions, DecisioningCatalog catalog)
    {
        if (catalog.Offers.Get(id) is null) return ApiProblems.NotFound("id", $"No offer with id '{id}'.");
        var k = decisions.Kpis().First(x => x.OfferId == id);
        return TypedResults.Ok(OfferKpi.From(k.OfferId, k.Name, k.Counters, decisions.ControlCounters));
    }

    private static async Task<Results<JsonHttpResult<NboAnswer>, ProblemHttpResult>> DecideAsync(string @ref, string? channel, string? placement, int? limit, bool? explain, CustomerDirectory directory, DecisionService decisions, DecisioningCatalog catalog, IOptions<EngineOptions> engine)
    {
        var (input, problem) = Input(channel, placement, limit, null);
        if (problem is not null) return problem;
        var (view, notFound) = await DecideForAsync(@ref, input! with { Explain = explain ?? false }, directory, decisions, engine);
        if (notFound is not null) return notFound;
        return NboAnswer.Json(NboAnswer.From(view!, catalog, explain ?? false));
    }

    /// <summary>
    /// A known identifier is answered from this node's identity cache: one grain call. A customer grain that says it holds
    /// no profile (merged away or erased since the link was cached) makes the gateway forget it and resolve again.
    /// </summary>
    private static async Task<(DecisionView? View, ProblemHttpResult? Problem)> DecideForAsync(string @ref, DecideInput input, CustomerDirectory directory, DecisionService decisions, IOptions<EngineOptions> engine)
    {
        var (r, problem) = await CustomersApi.ResolveReferenceAsync(@ref, directory, engine, allowCached: true);
        if (problem is not null) return (null, problem);
        var view = await decisions.DecideAsync(r!.ProfileId!, input);
        if (view.ProfileId is null && r.Cached)
        {
            directory.Forget(r);
            (r, problem) = await CustomersApi.ResolveReferenceAsync(@ref, directory, engine, allowCached: false);
            if (problem is not null) return (null, problem);
            view = await decisions.DecideAsync(r!.ProfileId!, input);
        }
        return (view, null);
    }

    private static async Task<Results<JsonHttpResult<NboAnswer>, ProblemHttpResult>> DecideWithContextAsync(string @ref, NboRequest request, CustomerDirectory directory, DecisionService decisions, DecisioningCatalog catalog, IOptions<EngineOptions> engine)
    {
        var (input, problem) = Input(request.Channel, request.Placement, request.Limit, request.ContextWeights);
        if (problem is not null) return problem;
        var explain = request.Explain ?? false;
        var (view, notFound) = await DecideForAsync(@ref, input! with { Explain = explain }, directory, decisions, engine);
        if (notFound is not null) return notFound;
        return NboAnswer.Json(NboAnswer.From(view!, catalog, explain));
    }

    private static (DecideInput? Input, ProblemHttpResult? Problem) Input(string? channel, string? placement, int? limit, IReadOnlyDictionary<string, double>? weights)
    {
        channel ??= "web";
        if (!ChannelNames.TryParse(channel, out var c)) return (null, ApiProblems.Field("channel", "channel must be one of web, app, email, sms, push, store, call_centre, crm, social, ads."));
        if (placement is { Length: > 64 }) return (null, ApiProblems.Field("placement", "placement is at most 64 characters."));
        if (limit is < 1 or > 20) return (null, ApiProblems.Field("limit", "limit must be 1 to 20."));
        return (new DecideInput(DecisionService.NewDecisionId(), ChannelNames.ToWire(c), placement, limit ?? 1, weights), null);
    }
}
