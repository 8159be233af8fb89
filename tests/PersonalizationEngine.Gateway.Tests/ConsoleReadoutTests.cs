using PersonalizationEngine.Gateway.ConsolePages;
using PersonalizationEngine.Gateway.Contracts;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Issue 19: the console's read-outs are computed server-side from the engine's numbers.</summary>
public sealed class ConsoleReadoutTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 58, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0.02, 0.005, 0.035, "better")]
    [InlineData(-0.02, -0.035, -0.005, "worse")]
    [InlineData(0.01, -0.004, 0.024, "not-significant")]
    [InlineData(0.01, 0.0, 0.02, "not-significant")] // an interval touching 0 does not exclude it
    public void The_uplift_is_significant_only_when_its_interval_excludes_zero(double difference, double low, double high, string verdict)
    {
        Assert.Equal(verdict, ConsoleReadouts.Verdict(new Uplift(difference, low, high)).Verdict);
        Assert.Equal("no-data", ConsoleReadouts.Verdict(null).Verdict);
        Assert.StartsWith("Not yet significant", ConsoleReadouts.Verdict(new Uplift(0, -0.1, 0.1)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Offer_counts_per_interval_are_the_growth_between_samples_and_a_reset_counts_from_zero()
    {
        var samples = new[]
        {
            new OfferSample(T0, 10, 8, 2, 1, 20m),
            new OfferSample(T0.AddMinutes(1), 15, 12, 3, 1, 20m),
            new OfferSample(T0.AddMinutes(2), 4, 3, 1, 0, 5m), // the model grain restarted
        };
        var points = ConsoleReadouts.Deltas(samples);
        Assert.Equal(2, points.Count);
        Assert.Equal(new OfferPoint(T0.AddMinutes(1), 5, 4, 1, 0, 0m), points[0]);
        Assert.Equal(new OfferPoint(T0.AddMinutes(2), 4, 3, 1, 0, 5m), points[1]);
        Assert.Empty(ConsoleReadouts.Deltas([samples[0]]));
    }

    [Fact]
    public void Ingest_lag_reads_the_ingestion_histogram_per_interval_and_starts_afresh()
    {
        // A meter of the test's own (engines in this process record to the real one), with the ingestion's instrument name.
        var name = "test.ingestion." + Guid.NewGuid().ToString("N");
        using var lag = new IngestLag(meterName: name);
        using var meter = new System.Diagnostics.Metrics.Meter(name);
        var batches = meter.CreateHistogram<double>(IngestLag.InstrumentName);
        Assert.Equal((0.0, 0.0), lag.Drain());
        for (var i = 1; i <= 100; i++) batches.Record(i);
        Assert.Equal((50.0, 99.0), lag.Drain());
        Assert.Equal((0.0, 0.0), lag.Drain()); // an interval without batches has no lag, not the last one's
        meter.CreateHistogram<double>("pe_something_else").Record(1000);
        batches.Record(7);
        Assert.Equal((7.0, 7.0), lag.Drain());
    }

    [Fact]
    public void Segment_entries_and_exits_are_summed_per_clock_hour()
    {
        var samples = new[]
        {
            new SegmentSample(T0, 5, 10, 2),
            new SegmentSample(T0.AddMinutes(1), 7, 13, 3),   // 09:59: +3 / +1
            new SegmentSample(T0.AddMinutes(3), 6, 14, 5),   // 10:01: +1 / +2
            new SegmentSample(T0.AddMinutes(4), 9, 17, 5),   // 10:02: +3 / 0
        };
        var hours = ConsoleReadouts.PerHour(samples);
        Assert.Equal([new SegmentFlowHour(T0.AddMinutes(-58), 3, 1), new SegmentFlowHour(T0.AddMinutes(2), 4, 2)], hours);
    }
}
