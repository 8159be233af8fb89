using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json.Serialization;
using PersonalizationEngine.Grains.Decisioning;

namespace PersonalizationEngine.Gateway.Apis;

/// <summary>A next-best-offer answer (the customers API).</summary>
internal sealed record NboAnswer(string DecisionId, string? ProfileId, bool Control, IReadOnlyList<NboOffer> Offers, IReadOnlyList<NboExclusion> Excluded, IReadOnlyList<NboRule>? Trace)
{
    public static NboAnswer From(DecisionView v, DecisioningCatalog catalog, bool explain)
    {
        var offers = new NboOffer[v.Offers.Count];
        for (var i = 0; i < offers.Length; i++)
        {
            var o = v.Offers[i];
            var definition = catalog.Offers.Get(o.OfferId);
            offers[i] = new NboOffer(o.OfferId, definition?.Name, Math.Round(o.Score, 6), Math.Round(o.Propensity, 4), o.ContextWeight, o.Value, o.Lever, o.Reasons, definition?.Creative);
        }
        var failed = 0;
        foreach (var t in v.Trace)
        {
            if (!t.Passed) failed++;
        }
        var excluded = failed == 0 ? [] : new NboExclusion[failed];
        var trace = explain ? new NboRule[v.Trace.Count] : null;
        for (int i = 0, e = 0; i < v.Trace.Count; i++)
        {
            var t = v.Trace[i];
            if (!t.Passed) excluded[e++] = new NboExclusion(t.OfferId, t.Stage, t.Rule, t.Detail);
            if (trace is not null) trace[i] = new NboRule(t.OfferId, t.Stage, t.Rule, t.Passed, t.Detail);
        }
        return new NboAnswer(v.DecisionId, v.ProfileId, v.Control, offers, excluded, trace);
    }

    /// <summary>
    /// The HTTP answer, written with the source-generated type info itself: its options are the generator's, so
    /// System.Text.Json can use the generated fast path instead of the general converters (which allocate a
    /// write stack per answer).
    /// </summary>
    public static JsonHttpResult<NboAnswer> Json(NboAnswer answer) => TypedResults.Json(answer, GatewayJsonContext.Default.NboAnswer);
}

/// <summary>One offer of an answer with its score breakdown and creative.</summary>
internal sealed record NboOffer(string OfferId, string? Name, double Score, double Propensity, double ContextWeight, double Value, double Lever, IReadOnlyList<string> Reasons, JsonElement? Creative);

/// <summary>A rule that excluded an offer.</summary>
internal sealed record NboExclusion(string OfferId, string Stage, string Rule, string Detail);

/// <summary>A rule outcome of the full trace (<c>explain=true</c>).</summary>
internal sealed record NboRule(string OfferId, string Stage, string Rule, bool Passed, string Detail);

/// <summary>The offers a website visitor gets from the public tracker route: no profile data.</summary>
internal sealed record VisitorOffers(string DecisionId, IReadOnlyList<VisitorOffer> Offers)
{
    public static VisitorOffers From(DecisionView v, DecisioningCatalog catalog) => new(v.DecisionId, v.Offers.Select(o =>
    {
        var definition = catalog.Offers.Get(o.OfferId);
        return new VisitorOffer(o.OfferId, definition?.Name, definition?.Creative, Math.Round(o.Score, 6), Math.Round(o.Propensity, 4), o.Reasons);
    }).ToArray());
}

/// <summary>One offer for a visitor.</summary>
internal sealed record VisitorOffer(string OfferId, string? Name, JsonElement? Creative, double Score, double Propensity, IReadOnlyList<string> Reasons);

/// <summary>
/// Source-generated serialisation of the answers on the hot path (next best offer), so they are written without
/// reflection; the gateway puts it first in the HTTP JSON options' resolver chain.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NboAnswer))]
[JsonSerializable(typeof(VisitorOffers))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
