namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>Picks the customer (a number in 1..<see cref="Population"/>) of the next event or query.</summary>
public interface ICustomerSampler
{
    /// <summary>How many distinct customers the sampler draws from.</summary>
    int Population { get; }

    /// <summary>The next customer number, in 1..<see cref="Population"/>.</summary>
    int Next(Random random);
}

/// <summary>
/// Customers in order 1, 2, ..., n, then again from 1: until n is reached every event is a new customer, so a
/// run can push an exact number of distinct customers through the engine (the memory test with millions).
/// Thread-safe.
/// </summary>
public sealed class SequentialSampler(int population) : ICustomerSampler
{
    private long _next;

    /// <inheritdoc/>
    public int Population { get; } = population >= 1 ? population : throw new ArgumentOutOfRangeException(nameof(population));

    /// <inheritdoc/>
    public int Next(Random random) => (int)((Interlocked.Increment(ref _next) - 1) % Population) + 1;
}
