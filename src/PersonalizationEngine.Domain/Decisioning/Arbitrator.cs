using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Decisioning;

/// <summary>Everything one decision needs; all inputs, no I/O.</summary>
public sealed record DecisionRequest
{
    public required string DecisionId { get; init; }
    public required IConditionContext Customer { get; init; }
    public required string Channel { get; init; }
    public string? Placement { get; init; }
    public int Limit { get; init; } = 1;
    public required DateTimeOffset AsOf { get; init; }
    public required IReadOnlyList<CompiledOffer> Offers { get; init; }
    public IReadOnlyList<ContactPolicy> Policies { get; init; } = [];
    public ContactHistory History { get; init; } = new();
    /// <summary>Learned propensity (0..1, exploration included) of an offer for this customer in this context.</summary>
    public required Func<string, double> Propensity { get; init; }
    /// <summary>Context weights: keys <c>offerId</c>, <c>placement</c> or <c>channel</c> (first found wins); default 1.</summary>
    public IReadOnlyDictionary<string, double>? ContextWeights { get; init; }
    /// <summary>Impressions and acceptances so far per offer (for budget caps).</summary>
    public Func<string, (long Impressions, long Accepts)>? Usage { get; init; }
    public double ChurnProbability { get; init; }
    public double HighChurnThreshold { get; init; } = 0.6;
    /// <summary>In the control group: no offer is made (to measure uplift); the trace says so.</summary>
    public bool Control { get; init; }
}

/// <summary>One offer in a decision, with the parts of its priority.</summary>
public sealed record OfferScore(string OfferId, double Score, double Propensity, double ContextWeight, double Value, double Lever, IReadOnlyList<string> Reasons);

/// <summary>Why an offer passed or left at one stage.</summary>
public sealed record RuleOutcome(string OfferId, string Stage, string Rule, bool Passed, string Detail);

public sealed record Decision(string DecisionId, bool Control, IReadOnlyList<OfferScore> Offers, IReadOnlyList<RuleOutcome> Trace);

/// <summary>
/// Next-best-offer arbitration in the Pega style: each offer must pass eligibility, applicability,
/// suitability and the contact policy; the survivors are ranked by
/// priority = propensity × context weight × business value × lever. Deterministic for given inputs, and the
/// trace names every rule that passed or excluded every offer.
/// </summary>
public static class Arbitrator
{
    public const string Eligibility = "eligibility";
    public const string Applicability = "applicability";
    public const string Suitability = "suitability";
    public const string ContactPolicyStage = "contact_policy";

    private static readonly HashSet<string> Outbound = new(StringComparer.Ordinal) { "email", "sms", "push" };

    public static Decision Decide(DecisionRequest r)
    {
        var trace = new List<RuleOutcome>();
        if (r.Control)
        {
            trace.Add(new RuleOutcome("*", "control", "control group", false, "This decision is in the control group: no offer, to measure uplift."));
            return new Decision(r.DecisionId, true, [], trace);
        }
        var ranked = new List<OfferScore>();
        foreach (var offer in r.Offers)
        {
            if (!Passes(offer, r, trace)) continue;
            var d = offer.Definition;
            var propensity = Math.Clamp(r.Propensity(offer.OfferId), 0, 1);
            var weight = WeightOf(r, offer.OfferId);
            var value = (double)d.Value;
            var score = propensity * weight * value * d.Lever;
            var reasons = new List<string>
            {
                $"propensity {propensity:0.###}",
                $"context weight {weight:0.##}",
                $"value {value:0.##}",
                $"lever {d.Lever:0.##}",
            };
            ranked.Add(new OfferScore(offer.OfferId, score, propensity, weight, value, d.Lever, reasons));
        }
        var best = ranked.OrderByDescending(o => o.Score).ThenBy(o => o.OfferId, StringComparer.Ordinal).Take(Math.Max(0, r.Limit)).ToList();
        return new Decision(r.DecisionId, false, best, trace);
    }

    private static double WeightOf(DecisionRequest r, string offerId)
    {
        if (r.ContextWeights is not { } w) return 1;
        if (w.TryGetValue(offerId, out var x)) return x;
        if (r.Placement is not null && w.TryGetValue(r.Placement, out x)) return x;
        return w.TryGetValue(r.Channel, out x) ? x : 1;
    }

    private static bool Passes(CompiledOffer offer, DecisionRequest r, List<RuleOutcome> trace)
    {
        var d = offer.Definition;
        var id = offer.OfferId;
        bool Check(string stage, string rule, bool passed, string detail)
        {
            trace.Add(new RuleOutcome(id, stage, rule, passed, detail));
            return passed;
        }

        // Eligibility: may this customer get it at all?
        if (!Check(Eligibility, "channel", d.Channels.Count == 0 || d.Channels.Contains(r.Channel), $"offered on {(d.Channels.Count == 0 ? "every channel" : string.Join(", ", d.Channels))}; asked for {r.Channel}")) return false;
        if (!Check(Eligibility, "placement", d.Placements.Count == 0 || r.Placement is null || d.Placements.Contains(r.Placement), $"placements {(d.Placements.Count == 0 ? "any" : string.Join(", ", d.Placements))}; asked for {r.Placement ?? "any"}")) return false;
        if (!Check(Eligibility, "dates", (d.StartsAt is null || r.AsOf >= d.StartsAt) && (d.EndsAt is null || r.AsOf < d.EndsAt), $"runs {d.StartsAt?.ToString("u") ?? "-"} to {d.EndsAt?.ToString("u") ?? "-"}")) return false;
        var consentKey = d.ConsentPurpose + ":" + r.Channel;
        var consent = Outbound.Contains(r.Channel)
            ? r.Customer.HasConsent(consentKey)
            : !Refused(r.Customer, d.ConsentPurpose, r.Channel);
        if (!Check(Eligibility, "consent", consent, Outbound.Contains(r.Channel) ? $"{consentKey} must be granted for outbound contact" : $"{d.ConsentPurpose} must not be refused")) return false;
        if (r.Usage is { } usage)
        {
            var (impressions, accepts) = usage(id);
            if (!Check(Eligibility, "budget", (d.MaxImpressions is null || impressions < d.MaxImpressions) && (d.MaxAccepts is null || accepts < d.MaxAccepts),
                $"impressions {impressions}/{d.MaxImpressions?.ToString() ?? "∞"}, accepts {accepts}/{d.MaxAccepts?.ToString() ?? "∞"}")) return false;
        }
        if (offer.Eligibility is { } e && !Check(Eligibility, "eligibility rule", ConditionEvaluator.Evaluate(e, r.Customer), "the offer's eligibility condition")) return false;

        // Applicability: is it relevant now?
        if (offer.Applicability is { } a && !Check(Applicability, "applicability rule", ConditionEvaluator.Evaluate(a, r.Customer), "the offer's applicability condition")) return false;

        // Suitability: is it in the customer's interest?
        if (!Check(Suitability, "churn risk", !d.AggressiveUpsell || r.ChurnProbability < r.HighChurnThreshold,
            d.AggressiveUpsell ? $"aggressive upsell needs churn risk below {r.HighChurnThreshold:0.##} (is {r.ChurnProbability:0.##})" : "not an aggressive upsell")) return false;
        if (offer.Suitability is { } s && !Check(Suitability, "suitability rule", ConditionEvaluator.Evaluate(s, r.Customer), "the offer's suitability condition")) return false;

        // Contact policy and fatigue.
        foreach (var p in r.Policies)
        {
            if (p.Channel != "*" && p.Channel != r.Channel) continue;
            if (p.MaxContacts is { } max)
            {
                var shown = r.History.Count(ContactKind.Impression, p.Channel == "*" ? null : p.Channel, p.PerOffer ? id : null, r.AsOf.AddDays(-p.WindowDays));
                if (!Check(ContactPolicyStage, p.PolicyId, shown < max, $"{shown} of at most {max} {(p.PerOffer ? "showings of this offer" : "offers")} on {p.Channel} in {p.WindowDays} days")) return false;
            }
            if (p.SuppressAfterRejects is { } n)
            {
                var rejects = r.History.Count(ContactKind.Reject, null, id, r.AsOf.AddDays(-p.SuppressDays));
                if (!Check(ContactPolicyStage, p.PolicyId, rejects < n, $"{rejects} rejections in {p.SuppressDays} days (suppressed at {n})")) return false;
            }
        }
        return true;
    }

    private static bool Refused(IConditionContext customer, string purpose, string channel)
    {
        // A refusal is a recorded consent that is not granted; HasConsent is false both for refused and absent,
        // so ask for the specific consent through the context's attribute view of consents.
        return customer is IConsentView view && view.IsRefused(purpose, channel);
    }
}

/// <summary>Tells a refused consent apart from one never given (on-site offers need only the former to be absent).</summary>
public interface IConsentView
{
    bool IsRefused(string purpose, string channel);
}
