using System.Diagnostics;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Catalog;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Offers;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Grains.Decisioning;

/// <summary>Asks a customer's grain for its next best offer (or decides cold for a visitor not seen yet), timed.</summary>
public sealed class DecisionService(IGrainFactory grains, CustomerDirectory directory, DecisioningCatalog catalog, PropensityCache propensities, EngineSettings settings, EngineStats stats, TimeProvider time)
{
    public static string NewDecisionId() => string.Create(36, Guid.CreateVersion7(), static (chars, id) =>
    {
        "dec_".CopyTo(chars);
        id.TryFormat(chars[4..], out _, "N");
    });

    public async Task<DecisionView> DecideAsync(string profileId, DecideInput input)
    {
        var started = Stopwatch.GetTimestamp();
        var view = await grains.GetGrain<ICustomerGrain>(profileId).DecideAsync(input).ConfigureAwait(false);
        stats.RecordDecision(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return view;
    }

    /// <summary>
    /// For the public tracker: the visitor's own profile when any of the given identifiers is known, else a
    /// cold-start decision from an empty profile (nothing is created for a visitor who only asks).
    /// </summary>
    public async Task<DecisionView> DecideForVisitorAsync(IEnumerable<string> references, DecideInput input)
    {
        foreach (var reference in references)
        {
            var r = await directory.ResolveAsync(reference).ConfigureAwait(false);
            if (r.Found) return await DecideAsync(r.ProfileId!, input).ConfigureAwait(false);
        }
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var empty = new CustomerProfile("visitor");
        var features = empty.Features(now, settings.Current);
        var context = OfferContext.Build(features, input.Channel);
        var decision = Arbitrator.Decide(CustomerGrain.Request(empty, features, context, input, now, control: false, catalog, propensities));
        stats.RecordDecision(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new DecisionView(decision.DecisionId, null, false, decision.Offers, decision.Trace);
    }

    /// <summary>KPIs per offer plus the control group's, from the latest refreshed copies.</summary>
    public IEnumerable<(string OfferId, string Name, OfferCounters Counters)> Kpis() =>
        catalog.CompiledOffers.Select(o => (o.OfferId, o.Definition.Name, propensities.CountersOf(o.OfferId)));

    public OfferCounters ControlCounters => propensities.CountersOf(IOfferModelGrain.ControlKey);
}
