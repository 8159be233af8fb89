using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace PersonalizationEngine.Grains.Models;

/// <summary>Loads the active models at start (after storage is initialised, before traffic).</summary>
internal sealed class ModelLoader(ChurnModelRegistry churn, IConfiguration configuration) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => churn.LoadAsync(configuration["Models:ChurnPath"], cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
