using System.ComponentModel.DataAnnotations;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>How the engine uses Orleans on one silo (configuration section <c>Actors</c>).</summary>
public sealed class ActorOptions
{
    public const string Section = "Actors";

    /// <summary>Customers idle this long are deactivated (Orleans' <c>GrainCollectionOptions.CollectionAge</c> for customer grains), state written back first.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Identity grains idle this long are deactivated. Shorter than customers': once this node's identity cache links a
    /// returning customer's identifiers, its identity grains are not called again, so keeping them costs memory for nothing.
    /// </summary>
    public TimeSpan IdentityIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often Orleans' activation collector looks for idle activations (<c>GrainCollectionOptions.CollectionQuantum</c>).</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Above this many customers in memory, the least recently used are shed (written back, then deactivated).</summary>
    [Range(1, int.MaxValue)]
    public int MaxActivations { get; set; } = 1_000_000;

    /// <summary>
    /// When customers come back from storage faster than shedding writes others back, ingestion refuses batches
    /// (503 + Retry-After) while activations exceed <see cref="MaxActivations"/> times this factor.
    /// </summary>
    [Range(1.0, 100.0)]
    public double SaturationFactor { get; set; } = 1.25;

    /// <summary>How often the activation limiter looks at the count.</summary>
    public TimeSpan ShedInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the reminder table is polled for due reminders.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 1_000_000)]
    public int MaxRemindersPerPoll { get; set; } = 1000;

    /// <summary>
    /// Calls queued for one activation beyond which Orleans refuses new ones at once (<c>SiloMessagingOptions.MaxEnqueuedRequestsHardLimit</c>;
    /// the gateway answers 503 + Retry-After) instead of letting a hot customer's queue grow without bound.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxQueuedCallsPerActivation { get; set; } = 1000;

    /// <summary>Run the reminder poll and the activation limiter on timers (tests switch it off and call them directly).</summary>
    public bool BackgroundHousekeeping { get; set; } = true;

    /// <summary>Orleans' memory-pressure shedding (deactivates the least recently used when process memory passes the limit).</summary>
    public bool ShedOnMemoryPressure { get; set; }

    [Range(1.0, 100.0)]
    public double MemoryLimitPercent { get; set; } = 80;

    [Range(1.0, 100.0)]
    public double MemoryTargetPercent { get; set; } = 75;
}
