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
        Exploration = Number(d["Exploration"]) ?? DefaultExploration;
        ExplorationPolicy = Learning.Bandits.OfferExploration.TryParse(d["ExplorationPolicy"], out var policy) ? policy : Learning.Bandits.ExplorationPolicy.Thompson;
        HighChurnThreshold = Number(d["HighChurnThreshold"]) ?? 0.6;
        ConversionWindow = TimeSpan.FromHours(Number(d["ConversionWindowHours"]) ?? 24);
        var waits = new Dictionary<string, TimeSpan>(DefaultRewardWaits, StringComparer.Ordinal);
        if (Duration(d["RewardWait"]) is { } all)
        {
            foreach (var channel in waits.Keys.ToList()) waits[channel] = all;
            OtherChannelsRewardWait = all;
        }
        foreach (var child in d.GetSection("RewardWaitByChannel").GetChildren())
        {
            if (Duration(child.Value) is { } wait) waits[child.Key.ToLowerInvariant()] = wait;
        }
        RewardWaits = waits;
        Context = d.GetSection("Context").Get<ContextSpec>() ?? new ContextSpec();
        Encoder = new ContextEncoder(Context);
    }

    /// <summary>Thompson sampling's posterior scale v (also LinUCB's α, ε-greedy's ε) when not configured.</summary>
    public const double DefaultExploration = 0.5;

    /// <summary>
    /// How long an impression waits for a click or acceptance before it teaches "not clicked" (reward 0), per channel:
    /// on a page a visitor answers within minutes; an e-mail is opened hours or days later.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> DefaultRewardWaits = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["web"] = TimeSpan.FromMinutes(30),
        ["app"] = TimeSpan.FromMinutes(30),
        ["push"] = TimeSpan.FromHours(4),
        ["sms"] = TimeSpan.FromDays(1),
        ["email"] = TimeSpan.FromDays(2),
    };

    /// <summary>The reward wait of channels without a default of their own (store, call centre, CRM, social, ads).</summary>
    public TimeSpan OtherChannelsRewardWait { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The reward wait per channel (wire name).</summary>
    public IReadOnlyDictionary<string, TimeSpan> RewardWaits { get; set; }

    /// <summary>How long an impression on <paramref name="channel"/> waits for an answer before it counts as reward 0.</summary>
    public TimeSpan RewardWaitOf(string channel) => RewardWaits.TryGetValue(channel, out var wait) ? wait : OtherChannelsRewardWait;

    /// <summary>What the models learn from (<c>Decisioning:Context</c>).</summary>
    public ContextSpec Context { get; }

    /// <summary>Encodes customers under <see cref="Context"/>; its dimension is every offer model's.</summary>
    public ContextEncoder Encoder { get; }

    private static TimeSpan? Duration(string? text) =>
        TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var v) && v > TimeSpan.Zero ? v : null;

    private static double? Number(string? text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;

    public Catalog<OfferDefinition> Offers { get; }
    public Catalog<ContactPolicy> Policies { get; }

    public IReadOnlyList<CompiledOffer> CompiledOffers => Volatile.Read(ref _offers);
    public IReadOnlyList<ContactPolicy> ContactPolicies => Volatile.Read(ref _policies);

    /// <summary>Share of customers held out as a control group (no offers) to measure uplift.</summary>
    public double ControlShare { get; set; }

    /// <summary>The exploration scale: Thompson sampling's posterior scale v, LinUCB's α or ε-greedy's ε.</summary>
    public double Exploration { get; set; }

    /// <summary>How decisions explore (<c>Decisioning:ExplorationPolicy</c>; Thompson sampling by default).</summary>
    public Learning.Bandits.ExplorationPolicy ExplorationPolicy { get; set; }

    public double HighChurnThreshold { get; set; }

    /// <summary>A purchase this long after a shown decision can be credited to it (the most recent one, once).</summary>
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
