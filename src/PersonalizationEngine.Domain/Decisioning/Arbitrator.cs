using System.Collections.Concurrent;
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
    /// <summary>
    /// The propensity to rank by (0..1, exploration included: a Thompson draw, an upper bound or an ε-greedy value) of an
    /// offer for this customer in this context.
    /// </summary>
    public required Func<string, double> Propensity { get; init; }
    /// <summary>
    /// The posterior-mean propensity, without exploration. When given, the decision tells whether its lead offer differs
    /// from the one the estimates alone would lead with (<see cref="Decision.Explored"/>).
    /// </summary>
    public Func<string, double>? Estimate { get; init; }
    /// <summary>
    /// Breaks ties between equal priorities (cold-start offers all tie): at random, so no offer id is favoured. Null uses
    /// <see cref="System.Random.Shared"/>.
    /// </summary>
    public Random? Random { get; init; }
    /// <summary>Context weights: keys <c>offerId</c>, <c>placement</c> or <c>channel</c> (first found wins); default 1.</summary>
    public IReadOnlyDictionary<string, double>? ContextWeights { get; init; }
    /// <summary>Impressions and acceptances so far per offer (for budget caps).</summary>
    public Func<string, (long Impressions, long Accepts)>? Usage { get; init; }
    public double ChurnProbability { get; init; }
    public double HighChurnThreshold { get; init; } = 0.6;
    /// <summary>In the control group: no offer is made (to measure uplift); the trace says so.</summary>
    public bool Control { get; init; }
    /// <summary>
    /// True: the trace holds every rule outcome, passed ones included (what <c>explain=true</c> shows). False:
    /// only the rules that excluded an offer, and no text is built for rules that passed (the cheap default).
    /// </summary>
    public bool Explain { get; init; } = true;
}

/// <summary>One offer in a decision, with the parts of its priority.</summary>
public sealed record OfferScore(string OfferId, double Score, double Propensity, double ContextWeight, double Value, double Lever, IReadOnlyList<string> Reasons);

/// <summary>Why an offer passed or left at one stage.</summary>
public sealed record RuleOutcome(string OfferId, string Stage, string Rule, bool Passed, string Detail);

/// <param name="Explored">The lead offer is not the one the posterior means alone would lead with: a decision taken to learn.</param>
public sealed record Decision(string DecisionId, bool Control, IReadOnlyList<OfferScore> Offers, IReadOnlyList<RuleOutcome> Trace, bool Explored = false);

/// <summary>
/// Next-best-offer arbitration in the Pega style: each offer must pass eligibility, applicability,
/// suitability and the contact policy; the survivors are ranked by
/// priority = propensity × context weight × business value × lever. Equal priorities are ordered at random (the
/// request's <see cref="DecisionRequest.Random"/>), never by id; otherwise deterministic for given inputs, and the
/// trace names every rule that passed or excluded every offer.
/// </summary>
public static class Arbitrator
{
    public const string Eligibility = "eligibility";
    public const string Applicability = "applicability";
    public const string Suitability = "suitability";
    public const string ContactPolicyStage = "contact_policy";

    /// <summary>The smallest propensity an offer ranks with (a Thompson draw can fall below 0).</summary>
    public const double MinPropensity = 1e-4;

    private static readonly HashSet<string> Outbound = new(StringComparer.Ordinal) { "email", "sms", "push" };

    public static Decision Decide(DecisionRequest r)
    {
        var trace = new List<RuleOutcome>();
        if (r.Control)
        {
            trace.Add(new RuleOutcome("*", "control", "control group", false, "This decision is in the control group: no offer, to measure uplift."));
            return new Decision(r.DecisionId, true, [], trace);
        }
        var random = r.Random ?? Random.Shared;
        var ranked = new List<(CompiledOffer Offer, double Score, double Propensity, double Weight, double TieBreak)>(r.Offers.Count);
        string? greedy = null;
        double greedyScore = double.NegativeInfinity, greedyTie = 0;
        for (var o = 0; o < r.Offers.Count; o++)
        {
            var offer = r.Offers[o];
            if (!Passes(offer, r, trace)) continue;
            // Never exactly 0: a draw or estimate below the floor still ranks by value × lever instead of tying.
            var propensity = Math.Clamp(r.Propensity(offer.OfferId), MinPropensity, 1);
            var weight = WeightOf(r, offer.OfferId);
            var worth = weight * (double)offer.Definition.Value * offer.Definition.Lever;
            var tie = random.NextDouble();
            ranked.Add((offer, propensity * worth, propensity, weight, tie));
            if (r.Estimate is { } estimate)
            {
                var mean = Math.Clamp(estimate(offer.OfferId), MinPropensity, 1) * worth;
                if (mean > greedyScore || (mean == greedyScore && tie > greedyTie)) (greedy, greedyScore, greedyTie) = (offer.OfferId, mean, tie);
            }
        }
        ranked.Sort(static (x, y) => y.Score.CompareTo(x.Score) is var c && c != 0 ? c : y.TieBreak.CompareTo(x.TieBreak));
        var take = Math.Min(ranked.Count, Math.Max(0, r.Limit));
        var best = new List<OfferScore>(take);
        for (var i = 0; i < take; i++)
        {
            var (offer, score, propensity, weight, _) = ranked[i];
            var d = offer.Definition;
            var value = (double)d.Value;
            // Reasons are text for people: built for the offers returned only.
            best.Add(new OfferScore(offer.OfferId, score, propensity, weight, value, d.Lever, Reasons(propensity, weight, value, d.Lever)));
        }
        var explored = greedy is not null && best.Count > 0 && !string.Equals(best[0].OfferId, greedy, StringComparison.Ordinal);
        return new Decision(r.DecisionId, false, best, trace, explored);
    }

    /// <summary>
    /// The reasons of an offer's score as people read them (the parts of its priority). Derived from the numbers alone, so
    /// whoever keeps a decision's numbers (the console's remembered decisions) can give the same text later.
    /// </summary>
    public static string[] Reasons(double propensity, double contextWeight, double value, double lever) =>
    [
        $"propensity {propensity:0.###}",
        Text(WeightTexts, contextWeight, static x => $"context weight {x:0.##}"),
        Text(ValueTexts, value, static x => $"value {x:0.##}"),
        Text(LeverTexts, lever, static x => $"lever {x:0.##}"),
    ];

    // An offer's value and lever come from the catalogue and the context weight is nearly always 1, so their texts are
    // formatted once instead of on every decision (a custom numeric format is the slow path of number formatting);
    // bounded, because a context weight can come from a request.
    private const int MaxCachedTexts = 1024;
    private static readonly ConcurrentDictionary<double, string> WeightTexts = new(), ValueTexts = new(), LeverTexts = new();

    private static string Text(ConcurrentDictionary<double, string> cache, double x, Func<double, string> format)
    {
        if (cache.TryGetValue(x, out var text)) return text;
        return cache.Count < MaxCachedTexts ? cache.GetOrAdd(x, format) : format(x);
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
        var explain = r.Explain;
        // Records the outcome when it is reported (a failure, or any outcome when explaining); the detail text is
        // only built then, so a rule that passes costs its check and nothing more.
        bool Note(string stage, string rule, bool passed, string? detail)
        {
            if (detail is not null) trace.Add(new RuleOutcome(id, stage, rule, passed, detail));
            return passed;
        }
        bool Told(bool passed) => explain || !passed;

        // Eligibility: may this customer get it at all?
        var ok = d.Channels.Count == 0 || d.Channels.Contains(r.Channel);
        if (!Note(Eligibility, "channel", ok, Told(ok) ? $"offered on {(d.Channels.Count == 0 ? "every channel" : string.Join(", ", d.Channels))}; asked for {r.Channel}" : null)) return false;
        ok = d.Placements.Count == 0 || r.Placement is null || d.Placements.Contains(r.Placement);
        if (!Note(Eligibility, "placement", ok, Told(ok) ? $"placements {(d.Placements.Count == 0 ? "any" : string.Join(", ", d.Placements))}; asked for {r.Placement ?? "any"}" : null)) return false;
        ok = (d.StartsAt is null || r.AsOf >= d.StartsAt) && (d.EndsAt is null || r.AsOf < d.EndsAt);
        if (!Note(Eligibility, "dates", ok, Told(ok) ? $"runs {d.StartsAt?.ToString("u") ?? "-"} to {d.EndsAt?.ToString("u") ?? "-"}" : null)) return false;
        var outbound = Outbound.Contains(r.Channel);
        ok = outbound ? r.Customer.HasConsent(d.ConsentPurpose + ":" + r.Channel) : !Refused(r.Customer, d.ConsentPurpose, r.Channel);
        if (!Note(Eligibility, "consent", ok, Told(ok) ? (outbound ? $"{d.ConsentPurpose}:{r.Channel} must be granted for outbound contact" : $"{d.ConsentPurpose} must not be refused") : null)) return false;
        if (r.Usage is { } usage)
        {
            var (impressions, accepts) = usage(id);
            ok = (d.MaxImpressions is null || impressions < d.MaxImpressions) && (d.MaxAccepts is null || accepts < d.MaxAccepts);
            if (!Note(Eligibility, "budget", ok, Told(ok) ? $"impressions {impressions}/{d.MaxImpressions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"}, accepts {accepts}/{d.MaxAccepts?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"}" : null)) return false;
        }
        if (offer.Eligibility is { } e)
        {
            ok = ConditionEvaluator.Evaluate(e, r.Customer);
            if (!Note(Eligibility, "eligibility rule", ok, Told(ok) ? "the offer's eligibility condition" : null)) return false;
        }

        // Applicability: is it relevant now?
        if (offer.Applicability is { } a)
        {
            ok = ConditionEvaluator.Evaluate(a, r.Customer);
            if (!Note(Applicability, "applicability rule", ok, Told(ok) ? "the offer's applicability condition" : null)) return false;
        }

        // Suitability: is it in the customer's interest?
        ok = !d.AggressiveUpsell || r.ChurnProbability < r.HighChurnThreshold;
        if (!Note(Suitability, "churn risk", ok, Told(ok) ? (d.AggressiveUpsell ? $"aggressive upsell needs churn risk below {r.HighChurnThreshold:0.##} (is {r.ChurnProbability:0.##})" : "not an aggressive upsell") : null)) return false;
        if (offer.Suitability is { } s)
        {
            ok = ConditionEvaluator.Evaluate(s, r.Customer);
            if (!Note(Suitability, "suitability rule", ok, Told(ok) ? "the offer's suitability condition" : null)) return false;
        }

        // Contact policy and fatigue.
        for (var i = 0; i < r.Policies.Count; i++)
        {
            var p = r.Policies[i];
            if (p.Channel != "*" && p.Channel != r.Channel) continue;
            if (p.MaxContacts is { } max)
            {
                var shown = r.History.Count(ContactKind.Impression, p.Channel == "*" ? null : p.Channel, p.PerOffer ? id : null, r.AsOf.AddDays(-p.WindowDays));
                ok = shown < max;
                if (!Note(ContactPolicyStage, p.PolicyId, ok, Told(ok) ? $"{shown} of at most {max} {(p.PerOffer ? "showings of this offer" : "offers")} on {p.Channel} in {p.WindowDays} days" : null)) return false;
            }
            if (p.SuppressAfterRejects is { } n)
            {
                var rejects = r.History.Count(ContactKind.Reject, null, id, r.AsOf.AddDays(-p.SuppressDays));
                ok = rejects < n;
                if (!Note(ContactPolicyStage, p.PolicyId, ok, Told(ok) ? $"{rejects} rejections in {p.SuppressDays} days (suppressed at {n})" : null)) return false;
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
