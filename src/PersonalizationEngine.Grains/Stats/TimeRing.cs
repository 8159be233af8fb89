namespace PersonalizationEngine.Grains.Stats;

/// <summary>A fixed number of the newest samples (a ring), read oldest first. Thread-safe.</summary>
public sealed class TimeRing<T>(int capacity)
{
    private readonly T[] _ring = new T[capacity];
    private readonly Lock _gate = new();
    private long _count;

    public int Capacity => _ring.Length;

    public void Add(T sample)
    {
        lock (_gate)
        {
            _ring[_count % _ring.Length] = sample;
            _count++;
        }
    }

    public T[] Snapshot()
    {
        lock (_gate)
        {
            var n = (int)Math.Min(_count, _ring.Length);
            var result = new T[n];
            var start = _count - n;
            for (var i = 0; i < n; i++) result[i] = _ring[(start + i) % _ring.Length];
            return result;
        }
    }
}
