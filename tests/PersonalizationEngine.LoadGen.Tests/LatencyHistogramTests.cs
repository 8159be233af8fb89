using PersonalizationEngine.LoadGen.Metrics;

namespace PersonalizationEngine.LoadGen.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_a_uniform_distribution_are_within_one_percent()
    {
        var h = new LatencyHistogram();
        for (long v = 1; v <= 1_000_000; v++)
        {
            h.Record(v);
        }

        foreach (var p in new[] { 50.0, 90.0, 99.0, 99.9 })
        {
            var expected = p / 100 * 1_000_000;
            Assert.InRange(h.Percentile(p), expected * 0.99, expected * 1.01);
        }

        Assert.Equal(1_000_000, h.Max);
        Assert.Equal(1, h.Min);
    }

    [Fact]
    public void Percentiles_of_an_exponential_distribution_match_exact_order_statistics_within_one_percent()
    {
        var random = new Random(42);
        var values = Enumerable.Range(0, 200_000).Select(_ => (long)(-Math.Log(1 - random.NextDouble()) * 5_000) + 1).ToArray();
        var h = new LatencyHistogram();
        foreach (var v in values)
        {
            h.Record(v);
        }

        Array.Sort(values);
        foreach (var p in new[] { 50.0, 90.0, 99.0, 99.9 })
        {
            var exact = values[(int)Math.Ceiling(p / 100 * values.Length) - 1];
            Assert.InRange(h.Percentile(p), exact * 0.99, exact * 1.01);
        }
    }

    [Fact]
    public void Every_value_maps_to_a_bucket_whose_midpoint_is_within_one_percent()
    {
        foreach (var v in new long[] { 0, 1, 127, 128, 129, 255, 256, 1_000, 65_537, 10_000_000, 3_600_000_000 })
        {
            var mid = LatencyHistogram.ValueOf(LatencyHistogram.IndexOf(v));
            Assert.InRange(mid, v * 0.99, v * 1.01 + 1);
        }
    }

    [Fact]
    public void Empty_histogram_reports_zero()
    {
        Assert.Equal(0, new LatencyHistogram().Percentile(99));
    }
}
