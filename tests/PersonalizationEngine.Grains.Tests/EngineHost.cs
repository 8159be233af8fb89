using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Tests;

/// <summary>The grains with their services over a given store, as the gateway wires them (minus HTTP).</summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private EngineHost(ServiceProvider services) => _services = services;

    public ActorSystem Actors => _services.GetRequiredService<ActorSystem>();
    public IngestionService Ingestion => _services.GetRequiredService<IngestionService>();
    public CustomerDirectory Directory => _services.GetRequiredService<CustomerDirectory>();
    public CustomerService Customers => _services.GetRequiredService<CustomerService>();
    public T Services<T>() where T : notnull => _services.GetRequiredService<T>();

    public IStorageProvider Storage => _services.GetRequiredService<IStorageProvider>();

    public static async Task<EngineHost> StartAsync(IStorageProvider storage, int snapshotEvery = 100, Action<IServiceCollection>? services = null,
        TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Engine:MasterKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["Engine:IdentifierKey"] = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray()),
            ["Engine:SnapshotEveryEvents"] = snapshotEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var configure = services;
        var collection = new ServiceCollection();
        collection.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        collection.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        collection.AddSingleton(storage);
        configure?.Invoke(collection);
        if (time is not null) collection.AddSingleton(time);
        collection.AddEngineGrains(config, time is null ? null : b => b.UseTimeProvider(time));
        var provider = collection.BuildServiceProvider();
        await storage.InitializeAsync();
        await provider.GetRequiredService<ActorSystem>().StartAsync();
        return new EngineHost(provider);
    }

    /// <summary>Simulates a crash: the process vanishes without writing anything back.</summary>
    public void Abandon() { }

    public async Task StopAsync() => await Actors.StopAsync();

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();

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
