using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace PersonalizationEngine.Grains.Models;

/// <summary>Loads the catalogue and the active models at start (after storage is initialised, before traffic).</summary>
internal sealed class ModelLoader(ChurnModelRegistry churn, Catalog.EngineSettings settings, Decisioning.DecisioningCatalog decisioning, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await settings.Segments.LoadAsync(cancellationToken).ConfigureAwait(false);
        await decisioning.LoadAsync(cancellationToken).ConfigureAwait(false);
        await churn.LoadAsync(configuration["Models:ChurnPath"], cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
