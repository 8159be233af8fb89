namespace PersonalizationEngine.Actors;

/// <summary>Tuning of the actor runtime. Defaults follow Orleans where it has one.</summary>
public sealed class ActorSystemOptions
{
    /// <summary>An activation with no call for this long is collected (Orleans' default: 15 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle collection, shedding and write-behind run.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the reminder store is polled for due reminders.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// At most this many due reminders are delivered per poll (earliest first), so millions of reminders that
    /// fall due together (customers created in one burst) wake their grains at a bounded rate.
    /// </summary>
    public int MaxRemindersPerPoll { get; set; } = 1000;

    /// <summary>Above this many activations the least recently used are shed (written back first).</summary>
    public int MaxActivations { get; set; } = 1_000_000;

    /// <summary>
    /// Shedding writes each shed activation back first, so it can fall behind when activations are created faster
    /// than storage takes the writes (customers returning from storage at a high rate). Above
    /// <see cref="MaxActivations"/> x this factor <see cref="ActorSystem.IsSaturated"/> turns true and callers that
    /// create work (ingestion) refuse new work until shedding has caught up, so memory stays bounded.
    /// </summary>
    public double SaturationFactor { get; set; } = 1.25;

    /// <summary>Above this GC heap size (bytes) activations are shed, least recently used first; null = no limit.</summary>
    public long? MaxMemoryBytes { get; set; }

    /// <summary>Fraction of activations shed per collection pass while over <see cref="MaxMemoryBytes"/>.</summary>
    public double MemoryShedFraction { get; set; } = 0.1;

    /// <summary>Messages an activation may have queued; one more is refused with <see cref="MailboxFullException"/>.</summary>
    public int MailboxCapacity { get; set; } = 1_024;

    /// <summary>Messages queued across all activations; one more is refused with <see cref="MailboxFullException"/>.</summary>
    public long MaxQueuedMessages { get; set; } = 1_000_000;

    /// <summary>The Retry-After suggested in a <see cref="MailboxFullException"/>.</summary>
    public TimeSpan RefusalRetryAfter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>When set, dirty grain state is also written back on this interval, not only at deactivation.</summary>
    public TimeSpan? WriteBehindInterval { get; set; }

    /// <summary>How long <see cref="ActorSystem.StopAsync"/> waits for mailboxes to drain before persisting and leaving.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages one activation processes per thread-pool scheduling before yielding, for fairness.</summary>
    public int TurnsPerScheduling { get; set; } = 64;

    /// <summary>
    /// Runs collection and reminder polling on timers. The test host turns this off and drives both itself,
    /// so advancing fake time is deterministic.
    /// </summary>
    public bool BackgroundHousekeeping { get; set; } = true;

    internal void Validate()
    {
        if (IdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(IdleTimeout), "IdleTimeout must be positive.");
        if (CollectionInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(CollectionInterval), "CollectionInterval must be positive.");
        if (ReminderPollInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReminderPollInterval), "ReminderPollInterval must be positive.");
        if (MaxActivations < 1) throw new ArgumentOutOfRangeException(nameof(MaxActivations), "MaxActivations must be at least 1.");
        if (!(SaturationFactor >= 1)) throw new ArgumentOutOfRangeException(nameof(SaturationFactor), "SaturationFactor must be at least 1.");
        if (MaxRemindersPerPoll < 1) throw new ArgumentOutOfRangeException(nameof(MaxRemindersPerPoll), "MaxRemindersPerPoll must be at least 1.");
        if (MailboxCapacity < 1) throw new ArgumentOutOfRangeException(nameof(MailboxCapacity), "MailboxCapacity must be at least 1.");
        if (MaxQueuedMessages < 1) throw new ArgumentOutOfRangeException(nameof(MaxQueuedMessages), "MaxQueuedMessages must be at least 1.");
        if (TurnsPerScheduling < 1) throw new ArgumentOutOfRangeException(nameof(TurnsPerScheduling), "TurnsPerScheduling must be at least 1.");
        if (MemoryShedFraction is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(MemoryShedFraction), "MemoryShedFraction must be in (0, 1].");
    }
}
