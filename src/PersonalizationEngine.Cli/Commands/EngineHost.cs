using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// The engine's grains and services without the HTTP gateway, for CLI work that must run the same code as
/// live traffic (replays, feature extraction). Storage: in memory, SQLite or PostgreSQL by configuration keys.
/// </summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private EngineHost(ServiceProvider services) => _services = services;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static async Task<EngineHost> StartAsync(IDictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).AddEnvironmentVariables().Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        if (string.Equals(config["Storage:Provider"], "Memory", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IStorageProvider>(new PersonalizationEngine.Storage.InMemory.InMemoryStorageProvider());
        }
        else
        {
            services.AddEngineStorage(config);
        }
        services.AddEngineGrains(config);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStorageProvider>().InitializeAsync();
        await provider.GetRequiredService<ActorSystem>().StartAsync();
        return new EngineHost(provider);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.GetRequiredService<ActorSystem>().StopAsync();
        await _services.DisposeAsync();
    }
}
