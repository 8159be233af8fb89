namespace PersonalizationEngine.Domain.Features;

/// <summary>
/// Sparse time-bucketed counter keyed by EVENT time, so late and out-of-order events land in the right window.
/// Buckets are per minute for the last two days (relative to the newest event seen) and per day before that,
/// and are dropped after the longest window (90 d): the 1 h and 24 h windows are minute-exact, the 7/30/90 d
/// windows day-exact. Window sums are computed relative to an <c>asOf</c> passed in, never the clock.
/// </summary>
/// <remarks>
/// Stored as (minute, count) pairs of 8 bytes plus a parallel array of sums that exists only once a non-zero
/// amount was added: the events window (every event, no amounts) then takes 8 bytes a bucket instead of 16
/// (4 KB per customer goal). <see cref="Buckets"/> is the serialised form, unchanged.
/// </remarks>
public sealed class WindowCounter
{
    private const int MinutesPerDay = 1440;
    private const int MaxAgeMinutes = 91 * MinutesPerDay;

    private struct Slot(int minute, int count)
    {
        public int Minute = minute;
        public int Count = count;
    }

    private Slot[] _slots = [];
    private double[]? _sums;
    private int _count;

    /// <summary>The buckets in storage order (a copy; set to restore a snapshot).</summary>
    public IReadOnlyList<TimeBucket> Buckets
    {
        get
        {
            var list = new List<TimeBucket>(_count);
            for (var i = 0; i < _count; i++) list.Add(new TimeBucket(_slots[i].Minute, _slots[i].Count, SumAt(i)));
            return list;
        }
        set
        {
            value ??= [];
            _count = value.Count;
            _slots = new Slot[_count];
            _sums = null;
            for (var i = 0; i < _count; i++)
            {
                _slots[i] = new Slot(value[i].Minute, value[i].Count);
                if (value[i].Sum != 0 || double.IsNegative(value[i].Sum))
                {
                    _sums ??= new double[_count];
                    _sums[i] = value[i].Sum;
                }
            }
        }
    }

    public int NewestMinute { get; set; }

    private double SumAt(int i) => _sums is null ? 0 : _sums[i];

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
        var i = LastIndexOf(minute);
        if (i >= 0) AddTo(i, 1, amount);
        else Append(minute, 1, amount);
        if (compact) Compact();
    }

    /// <summary>Count and sum of events in (asOf - window, asOf].</summary>
    public (int Count, double Sum) In(TimeSpan window, DateTimeOffset asOf)
    {
        var end = asOf.ToUnixTimeSeconds() / 60;
        var start = end - (long)window.TotalMinutes;
        int count = 0; double sum = 0;
        for (var i = 0; i < _count; i++)
        {
            var m = _slots[i].Minute;
            if (m > start && m <= end) { count += _slots[i].Count; sum += SumAt(i); }
        }
        return (count, sum);
    }

    private int LastIndexOf(int minute)
    {
        for (var i = _count - 1; i >= 0; i--)
        {
            if (_slots[i].Minute == minute) return i;
        }
        return -1;
    }

    private void AddTo(int i, int count, double amount)
    {
        _slots[i].Count += count;
        if (amount != 0 || double.IsNegative(amount) || _sums is not null) Sums()[i] += amount;
    }

    private void Append(int minute, int count, double amount)
    {
        if (_count == _slots.Length)
        {
            // Grow by a few slots instead of doubling: thousands of profiles each waste half an array otherwise.
            // Small arrays (the common case) grow by 4; large ones double, keeping adds amortised O(1).
            var capacity = _count < 32 ? _count + 4 : _count * 2;
            Array.Resize(ref _slots, capacity);
            if (_sums is not null) Array.Resize(ref _sums, capacity);
        }
        _slots[_count] = new Slot(minute, count);
        if (amount != 0 || double.IsNegative(amount) || _sums is not null) Sums()[_count] = amount;
        _count++;
    }

    private double[] Sums() => _sums ??= new double[_slots.Length];

    private void RemoveAt(int i)
    {
        _count--;
        Array.Copy(_slots, i + 1, _slots, i, _count - i);
        if (_sums is not null) Array.Copy(_sums, i + 1, _sums, i, _count - i);
    }

    private void Compact()
    {
        var dayCut = NewestMinute - 2 * MinutesPerDay;
        var dropCut = NewestMinute - MaxAgeMinutes;
        // Drop expired buckets, keeping order.
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_slots[i].Minute < dropCut) continue;
            _slots[kept] = _slots[i];
            if (_sums is not null) _sums[kept] = _sums[i];
            kept++;
        }
        _count = kept;
        for (var i = 0; i < _count; i++)
        {
            var (minute, count, sum) = (_slots[i].Minute, _slots[i].Count, SumAt(i));
            if (minute >= dayCut || minute % MinutesPerDay == 0) continue;
            var day = minute - minute % MinutesPerDay;
            RemoveAt(i--);
            var j = -1;
            for (var k = 0; k < _count; k++)
            {
                if (_slots[k].Minute == day) { j = k; break; }
            }
            if (j >= 0) AddTo(j, count, sum);
            else Append(day, count, sum);
        }
    }
}
