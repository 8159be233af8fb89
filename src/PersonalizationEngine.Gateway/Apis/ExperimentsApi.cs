using Microsoft.AspNetCore.Http.HttpResults;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Gateway.ConsolePages;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>An offer as an experiment against the control group, with its history (issue 19, the offers page).</summary>
internal static class ExperimentsApi
{
    public static IEndpointRouteBuilder MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/offers/{id}/experiment", Experiment).WithName("GetOfferExperiment").WithTags("Offers").RequireScope(ApiScopes.Query)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The offer against the control group: KPIs with 95% intervals, the uplift's read-out (better, worse, not yet significant), and counts per sampling interval (kept server-side).");
        return app;
    }

    private static Results<Ok<OfferExperimentView>, ProblemHttpResult> Experiment(string id, DecisionService decisions, DecisioningCatalog catalog, ConsoleHistory history)
    {
        if (catalog.Offers.Get(id) is null) return ApiProblems.NotFound("id", $"No offer with id '{id}'.");
        var k = decisions.Kpis().First(x => x.OfferId == id);
        var control = decisions.ControlCounters;
        var kpi = OfferKpi.From(k.OfferId, k.Name, k.Counters, control);
        var cvr = OfferKpis.Cvr(control);
        var (verdict, text) = ConsoleReadouts.Verdict(kpi.UpliftVsControl);
        return TypedResults.Ok(new OfferExperimentView(k.OfferId, k.Name, kpi,
            new ControlArmView(control.Decisions, control.Conversions, Math.Round(cvr.Value, 4), [Math.Round(cvr.Low, 4), Math.Round(cvr.High, 4)]),
            verdict, text, history.Interval.TotalSeconds, ConsoleReadouts.Deltas(history.Offer(id))));
    }
}
