using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Benchmarks.Grains;

/// <summary>One Orleans silo with the engine's grains and services on the in-memory store, as the gateway hosts it.</summary>
public sealed class BenchSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    /// <param name="onDisk">Store on SQLite in a temporary file instead of in memory, so the store's own data is not on the heap (memory measurements).</param>
    /// <param name="shared">A store to use (several silos of one cluster share it); <paramref name="onDisk"/> is then ignored.</param>
    /// <param name="cluster">Join a localhost cluster: this silo's ports and the primary silo's endpoint (null for the primary itself).</param>
    public static async Task<BenchSilo> StartAsync(int snapshotEvery = 100, bool onDisk = false, IReadOnlyDictionary<string, string?>? settings = null,
        IStorageProvider? shared = null, (int SiloPort, int GatewayPort, System.Net.IPEndPoint? Primary)? cluster = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Engine:MasterKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["Engine:IdentifierKey"] = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray()),
            ["Engine:SnapshotEveryEvents"] = snapshotEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (shared is not null)
        {
            builder.Services.AddSingleton(shared);
        }
        else if (onDisk)
        {
            builder.Configuration["Storage:Provider"] = "Sqlite";
            builder.Configuration["Storage:Sqlite:Path"] = Path.Combine(Directory.CreateTempSubdirectory("pe-bench-").FullName, "engine.db");
            builder.Services.AddEngineStorage(builder.Configuration);
        }
        else
        {
            builder.Services.AddSingleton<IStorageProvider>(new InMemoryStorageProvider());
        }
        var (siloPort, gatewayPort, primary) = cluster ?? (PersonalizationEngine.Grains.Hosting.LoopbackPorts.Free(), PersonalizationEngine.Grains.Hosting.LoopbackPorts.Free(), null);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary, serviceId: "pe-bench", clusterId: "pe-bench").AddEngine(builder.Configuration);
            // One silo is configured as the gateway's single node is (ClusterExtensions.WithoutDirectoryCache).
            if (cluster is null) silo.Configure<Orleans.Configuration.GrainDirectoryOptions>(o => o.CachingStrategy = Orleans.Configuration.GrainDirectoryOptions.CachingStrategyType.None);
        });
        builder.Services.AddEngineGrains(builder.Configuration);
        var host = builder.Build();
        await host.Services.GetRequiredService<IStorageProvider>().InitializeAsync();
        await host.StartAsync();
        return new BenchSilo(host);
    }

    /// <summary>A realistic shopper: views, a cart, purchases, an e-mail open, across channels, over a month.</summary>
    public static List<RawEvent> RealisticEvents(string user, int count = 30)
    {
        var events = new List<RawEvent>(count);
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        for (var i = 0; i < count; i++)
        {
            var (type, channel) = (i % 10) switch
            {
                0 => ("login", "app"),
                1 or 2 or 3 or 4 => ("product_view", "web"),
                5 => ("add_to_cart", "web"),
                6 => ("purchase", "web"),
                7 => ("email_open", "email"),
                8 => ("search", "app"),
                _ => ("page_view", "web"),
            };
            events.Add(new RawEvent
            {
                EventId = $"{user}-{i}",
                Type = type,
                Channel = channel,
                Timestamp = start.AddHours(i * 20).ToString("O"),
                Identifiers = new Dictionary<string, string?> { ["user_id"] = user, ["email"] = user + "@example.com" },
                Properties = type switch
                {
                    "purchase" => new EventProperties().Set("amount", 42.5m).Set("currency", "GBP").Set("category", "shoes"),
                    "product_view" or "add_to_cart" => new EventProperties().Set("category", "shoes").Set("price", 89m).Set("brand", "acme"),
                    _ => null,
                },
            });
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
