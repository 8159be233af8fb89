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
        var view = await grains.Customer(profileId).DecideAsync(input).ConfigureAwait(false);
        stats.RecordDecision(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return view;
    }

    /// <summary>
    /// The decision for a customer reference (<c>type:value</c> or a profile id), or null when no such customer exists.
    /// A known identifier is answered from this node's identity cache with one grain call; a grain that says it holds
    /// no profile (merged away or erased since) makes it forget the link and resolve through the identity grains.
    /// </summary>
    public async Task<DecisionView?> DecideForReferenceAsync(string reference, DecideInput input)
    {
        var r = await directory.ResolveAsync(reference, allowCached: true).ConfigureAwait(false);
        if (!r.Found) return null;
        var view = await DecideAsync(r.ProfileId!, input).ConfigureAwait(false);
        if (view.ProfileId is not null || !r.Cached) return view;
        directory.Forget(r);
        r = await directory.ResolveAsync(reference).ConfigureAwait(false);
        return r.Found ? await DecideAsync(r.ProfileId!, input).ConfigureAwait(false) : null;
    }

    /// <summary>
    /// For the public tracker: the visitor's own profile when any of the given identifiers is known, else a
    /// cold-start decision from an empty profile (nothing is created for a visitor who only asks).
    /// </summary>
    public async Task<DecisionView> DecideForVisitorAsync(IEnumerable<string> references, DecideInput input)
    {
        foreach (var reference in references)
        {
            if (await DecideForReferenceAsync(reference, input).ConfigureAwait(false) is { } view) return view;
        }
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        var empty = new CustomerProfile("visitor");
        var features = empty.Features(now, settings.Current);
        var context = catalog.Encoder.Encode(features, empty.Attributes, empty.Segments, input.Channel);
        var decision = Arbitrator.Decide(CustomerGrain.Request(empty, features, context, input, now, control: false, catalog, propensities));
        stats.RecordDecision(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new DecisionView(decision.DecisionId, null, false, decision.Offers, decision.Trace, decision.Explored);
    }

    /// <summary>KPIs per offer plus the control group's, from the latest refreshed copies.</summary>
    public IEnumerable<(string OfferId, string Name, OfferCounters Counters)> Kpis() =>
        catalog.CompiledOffers.Select(o => (o.OfferId, o.Definition.Name, propensities.CountersOf(o.OfferId)));

    public OfferCounters ControlCounters => propensities.CountersOf(IOfferModelGrain.ControlKey);
}
