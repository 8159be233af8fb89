namespace PersonalizationEngine.Grains.Stats;

/// <summary>One second of the dashboard's charts.</summary>
/// <param name="IngestLagP50Ms">Receipt to durable and applied, median of the second's batches (0 without any).</param>
public sealed record StatsPoint(DateTimeOffset Time, double EventsPerSecond, double DecisionsPerSecond, double LatencyP50Ms, double LatencyP99Ms, int ActiveGrains, double IngestLagP50Ms = 0, double IngestLagP99Ms = 0);

/// <summary>
/// The last hour of per-second figures, kept server-side (a ring), so a dashboard opened or reloaded shows history
/// instead of starting empty (issue 17). Written once a second by <see cref="StatsSampler"/>.
/// </summary>
public sealed class StatsHistory(int capacity = 3600)
{
    private readonly StatsPoint[] _ring = new StatsPoint[capacity];
    private readonly Lock _gate = new();
    private long _count;

    public int Capacity => _ring.Length;

    public void Add(StatsPoint point)
    {
        lock (_gate)
        {
            _ring[_count % _ring.Length] = point;
            _count++;
        }
    }

    /// <summary>The points held, oldest first (at most <see cref="Capacity"/>).</summary>
    public StatsPoint[] Snapshot()
    {
        lock (_gate)
        {
            var n = (int)Math.Min(_count, _ring.Length);
            var result = new StatsPoint[n];
            var start = _count - n;
            for (var i = 0; i < n; i++) result[i] = _ring[(start + i) % _ring.Length];
            return result;
        }
    }
}
