namespace PersonalizationEngine.LoadGen.Metrics;

/// <summary>
/// Log-linear histogram of microsecond values (HdrHistogram layout with 7 significant bits):
/// values below 128 are exact, above that each power of two is split in 128 buckets, so a bucket is at most
/// 1/128 of its value wide and the midpoint reported is within 0.4% of any value in it. Recording is
/// lock-free (Interlocked) so many completions can record at once.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 128;
    private const int MaxShift = 40;
    private readonly long[] _counts = new long[SubBuckets + (MaxShift + 1) * SubBuckets];
    private long _total;
    private long _max;
    private long _min = long.MaxValue;

    public long Count => Volatile.Read(ref _total);

    public long Max => Count == 0 ? 0 : Volatile.Read(ref _max);

    public long Min => Count == 0 ? 0 : Volatile.Read(ref _min);

    public void Record(long microseconds)
    {
        if (microseconds < 0)
        {
            microseconds = 0;
        }

        Interlocked.Increment(ref _counts[IndexOf(microseconds)]);
        Interlocked.Increment(ref _total);
        long seen;
        while (microseconds > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, microseconds, seen) != seen)
        {
        }

        while (microseconds < (seen = Volatile.Read(ref _min)) && Interlocked.CompareExchange(ref _min, microseconds, seen) != seen)
        {
        }
    }

    /// <summary>Value at percentile <paramref name="percentile"/> (0..100), in microseconds.</summary>
    public long Percentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var target = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= target)
            {
                // The max is exact; never report a bucket midpoint above it.
                return Math.Min(ValueOf(i), Max);
            }
        }

        return Max;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Volatile.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }

        Interlocked.Add(ref _total, other.Count);
        if (other.Count > 0)
        {
            _max = Math.Max(_max, other.Max);
            _min = Math.Min(_min, other.Min);
        }
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var shift = Math.Min(MaxShift, 64 - long.LeadingZeroCount(value) - 8);
        var top = Math.Min(2 * SubBuckets - 1, value >> (int)shift);
        return SubBuckets + ((int)shift * SubBuckets) + (int)(top - SubBuckets);
    }

    internal static long ValueOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var shift = (index - SubBuckets) / SubBuckets;
        var top = SubBuckets + ((index - SubBuckets) % SubBuckets);
        var low = (long)top << shift;
        return low + ((1L << shift) >> 1);
    }
}
