using PersonalizationEngine.Domain.Features;

namespace PersonalizationEngine.Domain.Tests.Features;

/// <summary>
/// The compact <see cref="WindowCounter"/> (8-byte buckets, sums only when needed) against the list-of-
/// <see cref="TimeBucket"/> implementation it replaced: same buckets in the same order, same window sums.
/// </summary>
public sealed class WindowCounterEquivalenceTests
{
    private sealed class Reference
    {
        private const int MinutesPerDay = 1440;
        private const int MaxAgeMinutes = 91 * MinutesPerDay;
        public List<TimeBucket> Buckets { get; } = [];
        public int NewestMinute { get; set; }

        public void Add(DateTimeOffset at, double amount = 0)
        {
            var minute = (int)(at.ToUnixTimeSeconds() / 60);
            var compact = minute / 60 > NewestMinute / 60;
            if (minute > NewestMinute) NewestMinute = minute;
            if (minute < NewestMinute - MaxAgeMinutes) return;
            if (minute < NewestMinute - 2 * MinutesPerDay) minute -= minute % MinutesPerDay;
            var i = Buckets.FindLastIndex(b => b.Minute == minute);
            if (i >= 0) Buckets[i] = Buckets[i] with { Count = Buckets[i].Count + 1, Sum = Buckets[i].Sum + amount };
            else Buckets.Add(new TimeBucket(minute, 1, amount));
            if (compact) Compact();
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

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Same_buckets_and_windows_as_the_list_implementation(int seed, bool amounts)
    {
        var random = new Random(seed);
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var compact = new WindowCounter();
        var reference = new Reference();
        var t = t0;
        for (var n = 0; n < 3000; n++)
        {
            // Mostly forward in time, some late events, some jumps of days.
            t = t.AddMinutes(random.Next(10) == 0 ? random.Next(3 * 1440) : random.Next(30));
            var at = random.Next(6) == 0 ? t.AddMinutes(-random.Next(120 * 1440)) : t;
            var amount = amounts && random.Next(3) > 0 ? Math.Round(random.NextDouble() * 100 - 10, 2) : 0;
            compact.Add(at, amount);
            reference.Add(at, amount);
            if (n % 97 == 0)
            {
                Assert.Equal(reference.Buckets, compact.Buckets);
                // Round trip through the serialised form mid-stream.
                compact = new WindowCounter { Buckets = compact.Buckets.ToList(), NewestMinute = compact.NewestMinute };
            }
        }
        Assert.Equal(reference.Buckets, compact.Buckets);
        Assert.Equal(reference.NewestMinute, compact.NewestMinute);
        foreach (var span in new[] { TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(90) })
        {
            var expected = reference.Buckets.Where(b => b.Minute > t.ToUnixTimeSeconds() / 60 - (long)span.TotalMinutes && b.Minute <= t.ToUnixTimeSeconds() / 60);
            Assert.Equal((expected.Sum(b => b.Count), expected.Sum(b => b.Sum)), compact.In(span, t));
        }
    }
}
