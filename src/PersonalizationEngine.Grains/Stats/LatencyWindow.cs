namespace PersonalizationEngine.Grains.Stats;

/// <summary>
/// The most recent N latencies (a ring), for live percentiles on the dashboard. Recording is a lock-free slot
/// write; percentiles sort a copy (called about once a second).
/// </summary>
public sealed class LatencyWindow(int capacity = 8192)
{
    private readonly double[] _values = new double[capacity];
    private long _count;

    public void Record(double milliseconds)
    {
        var i = Interlocked.Increment(ref _count) - 1;
        _values[i % _values.Length] = milliseconds;
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Percentiles (0..100) of the window, nearest-rank; zeros when empty.</summary>
    public double[] Percentiles(params double[] ps)
    {
        var n = (int)Math.Min(Count, _values.Length);
        if (n == 0) return new double[ps.Length];
        var copy = _values.AsSpan(0, n).ToArray();
        Array.Sort(copy);
        return ps.Select(p => copy[Math.Clamp((int)Math.Ceiling(p / 100 * n) - 1, 0, n - 1)]).ToArray();
    }
}
