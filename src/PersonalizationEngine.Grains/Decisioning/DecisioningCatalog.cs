using Microsoft.Extensions.Configuration;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Grains.Catalog;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Decisioning;

/// <summary>
/// Offers and contact policies as the deciding grains read them: compiled once per change into an immutable
/// list, swapped atomically. Also the decisioning settings (control share, churn threshold, exploration).
/// </summary>
public sealed class DecisioningCatalog
{
    private IReadOnlyList<CompiledOffer> _offers = [];
    private IReadOnlyList<ContactPolicy> _policies = [];

    public DecisioningCatalog(IStorageProvider storage, IConfiguration configuration)
    {
        Offers = new Catalog<OfferDefinition>(storage, "offers", o => o.OfferId);
        Policies = new Catalog<ContactPolicy>(storage, "contact-policies", p => p.PolicyId);
        Offers.Changed += all => Volatile.Write(ref _offers, all.Select(o => o.Compile().Offer).OfType<CompiledOffer>().OrderBy(o => o.OfferId, StringComparer.Ordinal).ToList());
        Policies.Changed += all => Volatile.Write(ref _policies, all.OrderBy(p => p.PolicyId, StringComparer.Ordinal).ToList());
        var d = configuration.GetSection("Decisioning");
        ControlShare = Number(d["ControlShare"]) ?? 0.05;
        Exploration = Number(d["Exploration"]) ?? 0.5;
        HighChurnThreshold = Number(d["HighChurnThreshold"]) ?? 0.6;
        FeedbackWindow = TimeSpan.FromMinutes(Number(d["FeedbackWindowMinutes"]) ?? 30);
        ConversionWindow = TimeSpan.FromHours(Number(d["ConversionWindowHours"]) ?? 24);
    }

    private static double? Number(string? text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    public Catalog<OfferDefinition> Offers { get; }
    public Catalog<ContactPolicy> Policies { get; }

    public IReadOnlyList<CompiledOffer> CompiledOffers => Volatile.Read(ref _offers);
    public IReadOnlyList<ContactPolicy> ContactPolicies => Volatile.Read(ref _policies);

    /// <summary>Share of customers held out as a control group (no offers) to measure uplift.</summary>
    public double ControlShare { get; set; }

    /// <summary>LinUCB α: how much the uncertainty of a propensity adds to it (exploration).</summary>
    public double Exploration { get; set; }

    public double HighChurnThreshold { get; set; }

    /// <summary>An impression without a click within this window counts as a non-click for learning.</summary>
    public TimeSpan FeedbackWindow { get; set; }

    /// <summary>A purchase this long after a decision counts as its conversion.</summary>
    public TimeSpan ConversionWindow { get; set; }

    public Task LoadAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Offers.LoadAsync(cancellationToken), Policies.LoadAsync(cancellationToken));

    /// <summary>Stable per-customer control assignment (a customer stays in its group).</summary>
    public bool InControl(string profileId)
    {
        if (ControlShare <= 0) return false;
        var h = Domain.Profiles.EventIdHash.Of("control:", profileId);
        return (ulong)h % 10_000 < ControlShare * 10_000;
    }
}
