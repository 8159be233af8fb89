namespace PersonalizationEngine.Domain.Features;

/// <summary>
/// Sparse time-bucketed counter keyed by EVENT time, so late and out-of-order events land in the right window.
/// Buckets are per minute for the last two days (relative to the newest event seen) and per day before that,
/// and are dropped after the longest window (90 d): the 1 h and 24 h windows are minute-exact, the 7/30/90 d
/// windows day-exact. Window sums are computed relative to an <c>asOf</c> passed in, never the clock.
/// </summary>
public sealed class WindowCounter
{
    private const int MinutesPerDay = 1440;
    private const int MaxAgeMinutes = 91 * MinutesPerDay;

    public List<TimeBucket> Buckets { get; set; } = [];
    public int NewestMinute { get; set; }

    public void Add(DateTimeOffset at, double amount = 0)
    {
        var minute = (int)(at.ToUnixTimeSeconds() / 60);
        // Compact when the newest event reaches a new hour, not on every add: O(buckets) work per hour of
        // activity instead of per event (a busy customer can hold ~2,900 minute buckets).
        var compact = minute / 60 > NewestMinute / 60;
        if (minute > NewestMinute) NewestMinute = minute;
        if (minute < NewestMinute - MaxAgeMinutes) return;
        if (minute < NewestMinute - 2 * MinutesPerDay) minute -= minute % MinutesPerDay;
        // Search from the end: new events are usually the most recent bucket.
        var i = Buckets.FindLastIndex(b => b.Minute == minute);
        if (i >= 0) Buckets[i] = Buckets[i] with { Count = Buckets[i].Count + 1, Sum = Buckets[i].Sum + amount };
        else
        {
            // Grow by a few slots instead of doubling: thousands of profiles each waste half a list otherwise.
            // Small lists (the common case) grow by 4; large ones double, keeping adds amortised O(1).
            if (Buckets.Count == Buckets.Capacity) Buckets.Capacity = Buckets.Count < 32 ? Buckets.Count + 4 : Buckets.Count * 2;
            Buckets.Add(new TimeBucket(minute, 1, amount));
        }
        if (compact) Compact();
    }

    /// <summary>Count and sum of events in (asOf - window, asOf].</summary>
    public (int Count, double Sum) In(TimeSpan window, DateTimeOffset asOf)
    {
        var end = asOf.ToUnixTimeSeconds() / 60;
        var start = end - (long)window.TotalMinutes;
        int count = 0; double sum = 0;
        foreach (var b in Buckets)
        {
            if (b.Minute > start && b.Minute <= end) { count += b.Count; sum += b.Sum; }
        }
        return (count, sum);
    }

    private void Compact()
    {
        var dayCut = NewestMinute - 2 * MinutesPerDay;
        var dropCut = NewestMinute - MaxAgeMinutes;
        Buckets.RemoveAll(b => b.Minute < dropCut);
        for (var i = 0; i < Buckets.Count; i++)
        {
            var b = Buckets[i];
            if (b.Minute >= dayCut || b.Minute % MinutesPerDay == 0) continue;
            var day = b.Minute - b.Minute % MinutesPerDay;
            Buckets.RemoveAt(i--);
            var j = Buckets.FindIndex(x => x.Minute == day);
            if (j >= 0) Buckets[j] = Buckets[j] with { Count = Buckets[j].Count + b.Count, Sum = Buckets[j].Sum + b.Sum };
            else Buckets.Add(b with { Minute = day });
        }
    }
}
