namespace PersonalizationEngine.Domain.Decisioning;

/// <summary>Counters of one offer (or of the control group), mergeable.</summary>
public sealed class OfferCounters
{
    public long Decisions { get; set; }
    public long Impressions { get; set; }
    public long Clicks { get; set; }
    public long Accepts { get; set; }
    public long Rejects { get; set; }
    public long Conversions { get; set; }
    public decimal Revenue { get; set; }

    /// <summary>Decisions led by this offer although the estimates alone would have led with another: taken to learn.</summary>
    public long Explored { get; set; }

    /// <summary>Impressions with no click or acceptance within the reward wait: each taught the model reward 0.</summary>
    public long Ignored { get; set; }

    public void Add(OfferCounters o)
    {
        Decisions += o.Decisions; Impressions += o.Impressions; Clicks += o.Clicks; Accepts += o.Accepts;
        Rejects += o.Rejects; Conversions += o.Conversions; Revenue += o.Revenue; Explored += o.Explored; Ignored += o.Ignored;
    }

    public OfferCounters Copy() => new()
    {
        Decisions = Decisions, Impressions = Impressions, Clicks = Clicks, Accepts = Accepts, Rejects = Rejects,
        Conversions = Conversions, Revenue = Revenue, Explored = Explored, Ignored = Ignored,
    };
}

/// <summary>A rate with its Wilson 95% interval.</summary>
public readonly record struct Rate(double Value, double Low, double High, long Successes, long Trials);

/// <summary>
/// KPIs: CTR = clicks / impressions, CVR = conversions / decisions, with Wilson score intervals; uplift =
/// CVR(treatment) − CVR(control) with a 95% interval from the normal approximation to the difference of two
/// proportions (unpooled standard error), as in a standard A/B read-out.
/// </summary>
public static class OfferKpis
{
    private const double Z = 1.959963984540054;

    public static Rate Wilson(long successes, long trials)
    {
        if (trials <= 0) return new Rate(0, 0, 0, successes, trials);
        var p = (double)successes / trials;
        var n = (double)trials;
        var denominator = 1 + Z * Z / n;
        var centre = (p + Z * Z / (2 * n)) / denominator;
        var half = Z * Math.Sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denominator;
        return new Rate(p, Math.Max(0, centre - half), Math.Min(1, centre + half), successes, trials);
    }

    public static Rate Ctr(OfferCounters c) => Wilson(c.Clicks, c.Impressions);

    public static Rate Cvr(OfferCounters c) => Wilson(c.Conversions, c.Decisions);

    /// <summary>Share of the decisions this offer led that were exploration (0 before any decision).</summary>
    public static double ExplorationShare(OfferCounters c) => c.Decisions > 0 ? Math.Clamp((double)c.Explored / c.Decisions, 0, 1) : 0;

    /// <summary>Difference of conversion rates with its 95% interval; null while either arm has no decisions.</summary>
    public static (double Uplift, double Low, double High)? Uplift(OfferCounters treatment, OfferCounters control)
    {
        if (treatment.Decisions == 0 || control.Decisions == 0) return null;
        var p1 = (double)treatment.Conversions / treatment.Decisions;
        var p0 = (double)control.Conversions / control.Decisions;
        var se = Math.Sqrt(p1 * (1 - p1) / treatment.Decisions + p0 * (1 - p0) / control.Decisions);
        var d = p1 - p0;
        return (d, d - Z * se, d + Z * se);
    }
}
