using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Gateway.Contracts;

/// <summary>An offer against the control group: its KPIs, the control arm, the read-out, and its counts per interval.</summary>
/// <param name="Verdict"><c>better</c>, <c>worse</c> (the uplift's 95% interval excludes 0), <c>not-significant</c>, or <c>no-data</c>.</param>
public sealed record OfferExperimentView(
    string OfferId,
    string Name,
    OfferKpi Kpi,
    ControlArmView Control,
    string Verdict,
    string VerdictText,
    double IntervalSeconds,
    IReadOnlyList<OfferPoint> Series);

/// <summary>The control group (customers held out, offered nothing): decisions, conversions, conversion rate with its 95% interval.</summary>
public sealed record ControlArmView(long Decisions, long Conversions, double Cvr, double[] CvrInterval);

/// <summary>An offer's counts in one sampling interval ending at <see cref="Time"/>.</summary>
public sealed record OfferPoint(DateTimeOffset Time, long Decisions, long Impressions, long Clicks, long Conversions, decimal Revenue);

/// <summary>A segment over time: members in memory now and at each sample, entries and exits per hour, a sample of members.</summary>
public sealed record SegmentHistoryView(
    string SegmentId,
    string Name,
    long Members,
    double IntervalSeconds,
    IReadOnlyList<SegmentPoint> Sizes,
    IReadOnlyList<SegmentFlowHour> PerHour,
    IReadOnlyList<string> SampleProfileIds);

/// <summary>Members of a segment (among customers in memory) at one time.</summary>
public sealed record SegmentPoint(DateTimeOffset Time, long Members);

/// <summary>Entries into and exits from a segment within one clock hour.</summary>
public sealed record SegmentFlowHour(DateTimeOffset Hour, long Entered, long Left);

/// <summary><c>POST /api/v1/customers/{ref}/privacy-token</c>: how long the token lasts (default 600 s, at most 1,800 s).</summary>
public sealed record PrivacyTokenRequest(int? TtlSeconds) : IValidatedRequest
{
    public IReadOnlyList<ValidationError> Validate() => TtlSeconds is null or (>= 30 and <= 1800)
        ? []
        : [new("ttlSeconds", "ttlSeconds is 30 to 1800 (a customer token lasts minutes).")];
}

/// <summary>A customer token for one profile's privacy page, and the page's address (the token in the fragment, so it reaches no server log).</summary>
public sealed record IssuedPrivacyToken(string Token, DateTimeOffset ExpiresAt, string ProfileId, string PageUrl);

/// <summary>What the engine holds about the customer, by category, and their consents.</summary>
public sealed record PrivacyOverview(
    string ProfileId,
    IReadOnlyList<DataCategory> Categories,
    IReadOnlyList<ConsentView> Consents,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Channels);

/// <summary>One category of data held: what it is, how many items, and their names (identifiers masked).</summary>
public sealed record DataCategory(string Name, string Description, int Items, IReadOnlyList<string> Examples);

/// <summary>A consent decision: purpose, channel (null for every channel), granted or not, when and from which source.</summary>
public sealed record ConsentView(string Purpose, string? Channel, bool Granted, DateTimeOffset At, string Source);
