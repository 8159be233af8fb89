using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Tests;

public sealed class ZipfSamplerTests
{
    [Theory]
    [InlineData(1.1)]
    [InlineData(1.0)]
    public void Rank_one_is_drawn_about_two_to_the_s_times_as_often_as_rank_two(double exponent)
    {
        var sampler = new ZipfSampler(10_000, exponent);
        var random = new Random(7);
        var counts = new int[11];
        for (var i = 0; i < 400_000; i++)
        {
            var rank = sampler.Next(random);
            Assert.InRange(rank, 1, 10_000);
            if (rank <= 10)
            {
                counts[rank]++;
            }
        }

        var expected = Math.Pow(2, exponent);
        Assert.InRange(counts[1] / (double)counts[2], expected * 0.9, expected * 1.1);
        Assert.InRange(counts[1] / (double)counts[10], Math.Pow(10, exponent) * 0.85, Math.Pow(10, exponent) * 1.15);
    }

    [Fact]
    public void Exponent_zero_is_uniform()
    {
        var sampler = new ZipfSampler(4, 0);
        var random = new Random(3);
        var counts = new int[5];
        for (var i = 0; i < 40_000; i++)
        {
            counts[sampler.Next(random)]++;
        }

        Assert.All(counts.Skip(1), c => Assert.InRange(c, 9_000, 11_000));
    }
}

public sealed class SequentialSamplerTests
{
    [Fact]
    public void Every_customer_once_in_order_then_again_from_the_first()
    {
        var sampler = new SequentialSampler(3);
        Assert.Equal([1, 2, 3, 1, 2], Enumerable.Range(0, 5).Select(_ => sampler.Next(Random.Shared)));
    }

    [Fact]
    public void Concurrent_callers_get_distinct_customers_until_the_population_is_used_up()
    {
        var sampler = new SequentialSampler(100_000);
        var drawn = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 100_000, _ => drawn.Add(sampler.Next(Random.Shared)));
        Assert.Equal(100_000, drawn.Distinct().Count());
    }
}
