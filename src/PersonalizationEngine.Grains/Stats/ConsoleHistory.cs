using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Grains.Stats;

/// <summary>How often the console's history is sampled and how many samples are kept (section <c>Console</c>).</summary>
public sealed class ConsoleHistoryOptions
{
    public const string Section = "Console";

    /// <summary>One sample of every offer's counters and every segment's size per interval.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Samples kept per offer and per segment (1,440 minutes: a day).</summary>
    public int HistoryPoints { get; set; } = 1440;
}

/// <summary>An offer's counters (cumulative since its model grain started counting) at one time.</summary>
public sealed record OfferSample(DateTimeOffset Time, long Decisions, long Impressions, long Clicks, long Conversions, decimal Revenue);

/// <summary>A segment's members in memory, and its entries and exits since start, at one time.</summary>
public sealed record SegmentSample(DateTimeOffset Time, long Members, long Entered, long Left);

/// <summary>
/// The console's history of offers and segments, kept server-side (rings per offer and per segment) so a page
/// opened or reloaded shows how they moved. Filled by <see cref="ConsoleSampler"/>; node-local like the dashboard's.
/// </summary>
public sealed class ConsoleHistory(IOptions<ConsoleHistoryOptions> options)
{
    /// <summary>The key of the control group's counters in <see cref="Offers"/>.</summary>
    public const string ControlKey = PersonalizationEngine.Contracts.IOfferModelGrain.ControlKey;

    private readonly int _capacity = options.Value.HistoryPoints;
    private readonly ConcurrentDictionary<string, TimeRing<OfferSample>> _offers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeRing<SegmentSample>> _segments = new(StringComparer.Ordinal);

    public TimeSpan Interval { get; } = options.Value.SampleInterval;

    public void Add(string offerId, OfferSample sample) => _offers.GetOrAdd(offerId, _ => new TimeRing<OfferSample>(_capacity)).Add(sample);

    public void Add(string segmentId, SegmentSample sample) => _segments.GetOrAdd(segmentId, _ => new TimeRing<SegmentSample>(_capacity)).Add(sample);

    public OfferSample[] Offer(string offerId) => _offers.TryGetValue(offerId, out var ring) ? ring.Snapshot() : [];

    public SegmentSample[] Segment(string segmentId) => _segments.TryGetValue(segmentId, out var ring) ? ring.Snapshot() : [];
}

/// <summary>Samples every offer's counters (and the control group's) and every segment's size into <see cref="ConsoleHistory"/>.</summary>
public sealed class ConsoleSampler(ConsoleHistory history, Decisioning.DecisionService decisions, Catalog.EngineSettings settings, SegmentCounts segments, TimeProvider time) : BackgroundService
{
    public void Sample()
    {
        var now = time.GetUtcNow();
        foreach (var (offerId, _, c) in decisions.Kpis()) history.Add(offerId, new OfferSample(now, c.Decisions, c.Impressions, c.Clicks, c.Conversions, c.Revenue));
        var control = decisions.ControlCounters;
        history.Add(ConsoleHistory.ControlKey, new OfferSample(now, control.Decisions, control.Impressions, control.Clicks, control.Conversions, control.Revenue));
        var members = segments.Snapshot();
        var flows = segments.Flows();
        foreach (var s in settings.Current.Segments)
        {
            var (entered, left) = flows.GetValueOrDefault(s.Id);
            history.Add(s.Id, new SegmentSample(now, members.GetValueOrDefault(s.Id), entered, left));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(history.Interval, time);
        try
        {
            Sample();
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false)) Sample();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
