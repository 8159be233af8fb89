using System.Text.Json;
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
        var customer = app.MapGroup("/api/v1/customers/{ref}/next-best-offer").WithTags("Decisions").RequireAuthorization(ApiScopes.Query);
        customer.MapGet("", async (string @ref, string? channel, string? placement, int? limit, bool? explain, CustomerDirectory directory, DecisionService decisions, DecisioningCatalog catalog) =>
        {
            var (input, problem) = Input(channel, placement, limit, null);
            if (problem is not null) return problem;
            var (id, notFound) = await CustomersApi.ResolveAsync(@ref, directory);
            if (notFound is not null) return notFound;
            return NboAnswer.Json(NboAnswer.From(await decisions.DecideAsync(id!, input! with { Explain = explain ?? false }), catalog, explain ?? false));
        }).WithSummary("Next best offer: ?channel=web&placement=home&limit=3 (&explain=true for every rule outcome).");
        customer.MapPost("", async (string @ref, HttpRequest request, CustomerDirectory directory, DecisionService decisions, DecisioningCatalog catalog, CancellationToken ct) =>
        {
            using var body = await BodyJson.ReadAsync(request, ct);
            if (body.Error is { } error) return error;
            var root = body.Document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return ApiProblems.Field("body", "Send {\"channel\": \"web\", \"placement\": \"home\", \"limit\": 3, \"contextWeights\": {...}}.");
            string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            int? limit = root.TryGetProperty("limit", out var l) ? (l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) ? n : -1) : null;
            Dictionary<string, double>? weights = null;
            if (root.TryGetProperty("contextWeights", out var w) && w.ValueKind != JsonValueKind.Null)
            {
                if (w.ValueKind != JsonValueKind.Object) return ApiProblems.Field("contextWeights", "contextWeights maps offer ids, placements or channels to weights.");
                weights = [];
                foreach (var p in w.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out var x) || x < 0 || x > 100) return ApiProblems.Field("contextWeights." + p.Name, "A weight is a number from 0 to 100.");
                    weights[p.Name] = x;
                }
            }
            var (input, problem) = Input(Str("channel"), Str("placement"), limit, weights);
            if (problem is not null) return problem;
            var (id, notFound) = await CustomersApi.ResolveAsync(@ref, directory);
            if (notFound is not null) return notFound;
            var explain = root.TryGetProperty("explain", out var e) && e.ValueKind == JsonValueKind.True;
            return NboAnswer.Json(NboAnswer.From(await decisions.DecideAsync(id!, input! with { Explain = explain }), catalog, explain));
        }).WithSummary("Next best offer with a context body.");

        // The public tracker route: a website asks with its (public) write key for its visitor.
        app.MapGet("/t/v1/offers", async (HttpContext http, string? anonymousId, string? userId, string? channel, string? placement, int? limit, DecisionService decisions, DecisioningCatalog catalog) =>
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
            return Results.Json(VisitorOffers.From(view, catalog), GatewayJsonContext.Default.VisitorOffers);
        }).WithTags("Public tracker").RequireAuthorization(ApiScopes.Ingest).WithSummary("Offers for a website visitor, with the site's write key.");

        app.MapCatalog<OfferDefinition>("/api/v1/offers", "Offers", sp => sp.GetRequiredService<DecisioningCatalog>().Offers, o => o.Compile().Errors, o => o.OfferId);
        app.MapGet("/api/v1/offers/{id}/stats", (string id, DecisionService decisions, DecisioningCatalog catalog) =>
        {
            if (catalog.Offers.Get(id) is null) return ApiProblems.NotFound("id", $"No offer with id '{id}'.");
            var k = decisions.Kpis().First(x => x.OfferId == id);
            return Results.Ok(Kpi(k.OfferId, k.Name, k.Counters, decisions.ControlCounters));
        }).WithTags("Offers").RequireAuthorization(ApiScopes.Query).WithSummary("KPIs: impressions, clicks, accepts, conversions, revenue, CTR and CVR with 95% intervals, uplift vs control.");
        app.MapCatalog<ContactPolicy>("/api/v1/contact-policies", "Contact policies", sp => sp.GetRequiredService<DecisioningCatalog>().Policies, p => p.Validate(), p => p.PolicyId);
        return app;
    }

    internal static object Kpi(string offerId, string name, OfferCounters c, OfferCounters control)
    {
        var ctr = OfferKpis.Ctr(c);
        var cvr = OfferKpis.Cvr(c);
        var uplift = OfferKpis.Uplift(c, control);
        return new
        {
            offerId,
            name,
            decisions = c.Decisions,
            impressions = c.Impressions,
            clicks = c.Clicks,
            accepts = c.Accepts,
            rejects = c.Rejects,
            conversions = c.Conversions,
            revenue = c.Revenue,
            ctr = Math.Round(ctr.Value, 4),
            ctrInterval = new[] { Math.Round(ctr.Low, 4), Math.Round(ctr.High, 4) },
            cvr = Math.Round(cvr.Value, 4),
            cvrInterval = new[] { Math.Round(cvr.Low, 4), Math.Round(cvr.High, 4) },
            upliftVsControl = uplift is { } u ? new { difference = Math.Round(u.Uplift, 4), low = Math.Round(u.Low, 4), high = Math.Round(u.High, 4) } : null,
        };
    }

    private static (DecideInput? Input, IResult? Problem) Input(string? channel, string? placement, int? limit, IReadOnlyDictionary<string, double>? weights)
    {
        channel ??= "web";
        if (!ChannelNames.TryParse(channel, out var c)) return (null, ApiProblems.Field("channel", "channel must be one of web, app, email, sms, push, store, call_centre, crm, social, ads."));
        if (placement is { Length: > 64 }) return (null, ApiProblems.Field("placement", "placement is at most 64 characters."));
        if (limit is < 1 or > 20) return (null, ApiProblems.Field("limit", "limit must be 1 to 20."));
        return (new DecideInput(DecisionService.NewDecisionId(), ChannelNames.ToWire(c), placement, limit ?? 1, weights), null);
    }
}
