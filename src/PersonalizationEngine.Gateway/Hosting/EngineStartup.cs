using PersonalizationEngine.Gateway.Security;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Gateway.Hosting;

/// <summary>Runs first at start: creates or migrates the schema, then loads the API keys.</summary>
internal sealed class EngineStartup(IStorageProvider storage, ApiKeyRegistry keys) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.InitializeAsync(cancellationToken);
        await keys.LoadAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
