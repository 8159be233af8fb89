namespace PersonalizationEngine.Storage.Configuration;

/// <summary>Group-commit tuning for the event journal (configuration section <c>Storage:Journal</c>).</summary>
public sealed class JournalOptions
{
    /// <summary>Most entries written in one transaction. One append call is never split, so a batch can exceed this by one call.</summary>
    public int MaxBatchSize { get; set; } = 8192;

    /// <summary>
    /// How long the writer waits for more appends before committing a partial batch. Zero (default) commits as soon as the
    /// previous commit finishes: under load batches grow naturally while a commit is in flight, at no latency cost when idle.
    /// </summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Append calls that may wait for the writer; beyond this callers wait up to <see cref="EnqueueTimeout"/>.</summary>
    public int QueueCapacity { get; set; } = 16384;

    /// <summary>How long an append waits for queue space before failing with <see cref="JournalOverloadedException"/>.</summary>
    public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause after a failed commit, so a database outage does not become a hot retry loop.</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    internal void Validate()
    {
        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, $"{nameof(MaxBatchSize)} must be at least 1.");
        }

        if (QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, $"{nameof(QueueCapacity)} must be at least 1.");
        }

        if (MaxBatchDelay < TimeSpan.Zero || EnqueueTimeout < TimeSpan.Zero || FailureBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchDelay), $"{nameof(MaxBatchDelay)}, {nameof(EnqueueTimeout)} and {nameof(FailureBackoff)} must not be negative.");
        }
    }
}
