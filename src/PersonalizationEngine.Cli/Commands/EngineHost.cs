using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// The engine's grains and services on a one-silo Orleans host without the HTTP gateway, for CLI work that must run
/// the same code as live traffic (replays, feature extraction). Storage: in memory, SQLite or PostgreSQL by
/// configuration keys. The silo listens on free loopback ports, so it never collides with a running engine.
/// </summary>
internal sealed class EngineHost : IAsyncDisposable
{
    private readonly IHost _host;

    private EngineHost(IHost host) => _host = host;

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public static async Task<EngineHost> StartAsync(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings).AddEnvironmentVariables();
        var config = builder.Configuration;
        builder.Logging.ClearProviders();
        var services = builder.Services;
        if (string.Equals(config["Storage:Provider"], "Memory", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IStorageProvider>(new PersonalizationEngine.Storage.InMemory.InMemoryStorageProvider());
        }
        else
        {
            services.AddEngineStorage(config);
        }
        builder.UseOrleans(silo => silo.UseLocalhostClustering(PersonalizationEngine.Grains.Hosting.LoopbackPorts.Free(), PersonalizationEngine.Grains.Hosting.LoopbackPorts.Free(), serviceId: "pe-cli", clusterId: "pe-cli").AddEngine(config));
        services.AddEngineGrains(config);
        var host = builder.Build();
        await host.Services.GetRequiredService<IStorageProvider>().InitializeAsync();
        await host.StartAsync();
        return new EngineHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
