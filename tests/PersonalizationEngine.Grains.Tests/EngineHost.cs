using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.TestingHost;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;
using ReminderEntry = PersonalizationEngine.Storage.ReminderEntry;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>
/// The engine's grains and services on Orleans' <see cref="InProcessTestCluster"/> (one silo) over a given store, as
/// the gateway wires them (minus HTTP). Services are the silo's own, so they call grains exactly as the gateway does.
/// Background housekeeping is off: tests run the reminder poll and the activation limiter themselves.
/// </summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;
    private readonly KillableStorage _storage;
    private bool _stopped;

    private EngineHost(InProcessTestCluster cluster, KillableStorage storage)
    {
        _cluster = cluster;
        _storage = storage;
    }

    private IServiceProvider Silo => _cluster.Silos[0].ServiceProvider;

    public InProcessTestCluster Cluster => _cluster;
    public IGrainFactory Grains => Silo.GetRequiredService<IGrainFactory>();
    public IngestionService Ingestion => Silo.GetRequiredService<IngestionService>();
    public CustomerDirectory Directory => Silo.GetRequiredService<CustomerDirectory>();
    public CustomerService Customers => Silo.GetRequiredService<CustomerService>();
    public T Services<T>() where T : notnull => Silo.GetRequiredService<T>();

    /// <summary>A service of silo <paramref name="index"/> (tests with several silos).</summary>
    public T ServicesOf<T>(int index) where T : notnull => _cluster.Silos[index].ServiceProvider.GetRequiredService<T>();

    /// <summary>Customer grains in memory on the silo.</summary>
    public long ActivationCount => Silo.GetRequiredService<ActivationCounter>().Count;

    public Task<long> ShedAsync() => Silo.GetRequiredService<ActivationLimiter>().ShedAsync();

    /// <summary>
    /// Deactivates every activation that is not running a call, as idle collection does once <c>Actors:IdleTimeout</c>
    /// has passed (Orleans measures idleness with a monotonic stopwatch, not the TimeProvider, so tests that need
    /// "the customer went idle" ask for it instead of sleeping; IdleCollectionTests checks the timing itself).
    /// </summary>
    public async Task CollectIdleAsync()
    {
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
    }

    public Task<int> PollRemindersAsync() => Silo.GetRequiredService<ReminderPoller>().PollAsync();

    public IStorageProvider Storage => _storage.Inner;

    public static async Task<EngineHost> StartAsync(IStorageProvider storage, int snapshotEvery = 100, Action<IServiceCollection>? services = null,
        TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null, int silos = 1)
    {
        var values = new Dictionary<string, string?>
        {
            ["Engine:MasterKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["Engine:IdentifierKey"] = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray()),
            ["Engine:SnapshotEveryEvents"] = snapshotEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Actors:BackgroundHousekeeping"] = "false",
            // The grain tests look at a customer right after IngestAsync returns; log-first ingestion has tests of its own.
            ["Ingest:Acknowledge"] = "Applied",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var killable = new KillableStorage(storage);
        await storage.InitializeAsync();

        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddConfiguration(config);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddSingleton<IStorageProvider>(killable);
            if (time is not null) host.Services.AddSingleton<TimeProvider>(new FakeClock(time));
            services?.Invoke(host.Services);
            host.Services.AddEngineGrains(config);
        });
        builder.ConfigureSilo((_, silo) => silo.AddEngine(config));
        // The cluster's external client validates that it can serialise every grain interface's messages too.
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddEngineSerialization()));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new EngineHost(cluster, killable);
    }

    /// <summary>
    /// Simulates a crash: from now on the store refuses everything this engine tries (no write-back, no graceful
    /// persistence), then the silo goes away. A new host on the same store sees only what was durable before.
    /// </summary>
    public void Abandon()
    {
        _storage.Kill();
        _stopped = true;
        _ = Task.Run(async () =>
        {
            try { await _cluster.DisposeAsync(); } catch { /* a dead engine's shutdown fails; that is the point */ }
        });
    }

    /// <summary>Graceful stop: the silo deactivates every grain, which writes its state back.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _cluster.StopAllSilosAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _cluster.DisposeAsync();
        }
    }

    public static RawEvent Event(string id, string type, string timestamp = "2026-11-20T10:00:00Z", string channel = "web", params (string Type, string Value)[] ids) => new()
    {
        EventId = id,
        Type = type,
        Channel = channel,
        Timestamp = timestamp,
        Identifiers = ids.ToDictionary(p => p.Type, p => (string?)p.Value),
    };

    public async Task<ProfileView> ProfileAsync(string reference)
    {
        var r = await Directory.ResolveAsync(reference);
        Assert.True(r.Found, $"{reference} should resolve to a profile");
        return (await Customers.GetProfileAsync(r.ProfileId!))!;
    }
}

/// <summary>A store an engine can be cut off from (a crash): every call after <see cref="Kill"/> fails.</summary>
internal sealed class KillableStorage(IStorageProvider inner) : IStorageProvider
{
    private volatile bool _dead;

    public IStorageProvider Inner => inner;

    public void Kill() => _dead = true;

    private void Check()
    {
        if (_dead) throw new StorageUnavailableException("The engine was killed (test).");
    }

    public string Name => inner.Name;
    public IGrainStateStore States => new KillableStates(this, inner.States);
    public IEventJournal Journal => new KillableJournal(this, inner.Journal);
    public IReminderStore Reminders => new KillableReminders(this, inner.Reminders);
    public Task<long> ClaimWriterAsync(string grainType, string key, CancellationToken cancellationToken = default) { Check(); return inner.ClaimWriterAsync(grainType, key, cancellationToken); }
    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => inner.IsHealthyAsync(cancellationToken);
    public ValueTask DisposeAsync() => ValueTask.CompletedTask; // the test owns the real store

    private sealed class KillableStates(KillableStorage owner, IGrainStateStore inner) : IGrainStateStore
    {
        public Task<StoredState?> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default) { owner.Check(); return inner.ReadAsync(grainType, key, cancellationToken); }
        public Task<long> ReadVersionAsync(string grainType, string key, CancellationToken cancellationToken = default) { owner.Check(); return inner.ReadVersionAsync(grainType, key, cancellationToken); }
        public Task<long> WriteAsync(string grainType, string key, byte[] data, long expectedVersion, CancellationToken cancellationToken = default) { owner.Check(); return inner.WriteAsync(grainType, key, data, expectedVersion, cancellationToken); }
        public Task<bool> DeleteAsync(string grainType, string key, CancellationToken cancellationToken = default) { owner.Check(); return inner.DeleteAsync(grainType, key, cancellationToken); }
    }

    private sealed class KillableJournal(KillableStorage owner, IEventJournal inner) : IEventJournal
    {
        public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<JournalAppend> entries, CancellationToken cancellationToken = default) { owner.Check(); return inner.AppendAsync(entries, cancellationToken); }
        public IAsyncEnumerable<JournalEntry> ReadAsync(string streamKey, long afterSequence, CancellationToken cancellationToken = default) { owner.Check(); return inner.ReadAsync(streamKey, afterSequence, cancellationToken); }
        public Task<long> TrimAsync(string streamKey, long upToSequence, int keepLast = 0, CancellationToken cancellationToken = default) { owner.Check(); return inner.TrimAsync(streamKey, upToSequence, keepLast, cancellationToken); }
        public Task<long> DeleteStreamAsync(string streamKey, CancellationToken cancellationToken = default) { owner.Check(); return inner.DeleteStreamAsync(streamKey, cancellationToken); }
    }

    private sealed class KillableReminders(KillableStorage owner, IReminderStore inner) : IReminderStore
    {
        public Task UpsertAsync(ReminderEntry reminder, CancellationToken cancellationToken = default) { owner.Check(); return inner.UpsertAsync(reminder, cancellationToken); }
        public Task<bool> DeleteAsync(string grainType, string key, string name, CancellationToken cancellationToken = default) { owner.Check(); return inner.DeleteAsync(grainType, key, name, cancellationToken); }
        public Task<bool> TryClaimAsync(ReminderEntry due, DateTimeOffset? nextDueAt, CancellationToken cancellationToken = default) { owner.Check(); return inner.TryClaimAsync(due, nextDueAt, cancellationToken); }
        public Task<IReadOnlyList<ReminderEntry>> ReadDueAsync(DateTimeOffset until, int limit = int.MaxValue, CancellationToken cancellationToken = default) { owner.Check(); return inner.ReadDueAsync(until, limit, cancellationToken); }
        public Task<IReadOnlyList<ReminderEntry>> ReadAsync(string grainType, string key, CancellationToken cancellationToken = default) { owner.Check(); return inner.ReadAsync(grainType, key, cancellationToken); }
    }
}

/// <summary>
/// The test's clock for every reading (engine and Orleans alike), with real timers: advancing a
/// <c>FakeTimeProvider</c> by 30 days would otherwise fire each of Orleans' second-scale periodic timers millions of
/// times, synchronously, inside <c>Advance</c>. The engine's own timed work (reminder polls, shedding) runs when the
/// test asks for it, so nothing in the engine depends on fake timers firing.
/// </summary>
internal sealed class FakeClock(TimeProvider clock) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}
