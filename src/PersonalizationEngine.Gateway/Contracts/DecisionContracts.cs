using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Contracts;

/// <summary><c>POST /api/v1/customers/{ref}/next-best-offer</c>: the decision's context.</summary>
public sealed record NboRequest(string? Channel, string? Placement, int? Limit, IReadOnlyDictionary<string, double>? ContextWeights, bool? Explain) : IValidatedRequest
{
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        foreach (var (name, weight) in ContextWeights ?? new Dictionary<string, double>())
        {
            if (double.IsNaN(weight) || weight is < 0 or > 100) errors.Add(new("contextWeights." + name, "A weight is a number from 0 to 100."));
        }
        return errors;
    }
}

/// <summary>
/// An offer's KPIs: counters, CTR and CVR with 95% intervals, uplift against the control group; <c>explorationShare</c> is
/// the share of the decisions this offer led that were taken to explore (its lead was not the estimates' best), and
/// <c>ignored</c> the impressions that taught reward 0 after the reward wait.
/// </summary>
public sealed record OfferKpi(
    string OfferId,
    string Name,
    long Decisions,
    long Impressions,
    long Clicks,
    long Accepts,
    long Rejects,
    long Conversions,
    decimal Revenue,
    double Ctr,
    double[] CtrInterval,
    double Cvr,
    double[] CvrInterval,
    Uplift? UpliftVsControl,
    long Explored,
    double ExplorationShare,
    long Ignored)
{
    public static OfferKpi From(string offerId, string name, OfferCounters c, OfferCounters control)
    {
        var ctr = OfferKpis.Ctr(c);
        var cvr = OfferKpis.Cvr(c);
        var uplift = OfferKpis.Uplift(c, control);
        return new OfferKpi(offerId, name, c.Decisions, c.Impressions, c.Clicks, c.Accepts, c.Rejects, c.Conversions, c.Revenue,
            Math.Round(ctr.Value, 4), [Math.Round(ctr.Low, 4), Math.Round(ctr.High, 4)],
            Math.Round(cvr.Value, 4), [Math.Round(cvr.Low, 4), Math.Round(cvr.High, 4)],
            uplift is { } u ? new Uplift(Math.Round(u.Uplift, 4), Math.Round(u.Low, 4), Math.Round(u.High, 4)) : null,
            c.Explored, Math.Round(OfferKpis.ExplorationShare(c), 4), c.Ignored);
    }
}

/// <summary>Difference of conversion rate against the control group, with its 95% interval.</summary>
public sealed record Uplift(double Difference, double Low, double High);
