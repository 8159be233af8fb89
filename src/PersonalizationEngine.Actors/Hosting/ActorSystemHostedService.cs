using Microsoft.Extensions.Hosting;

namespace PersonalizationEngine.Actors.Hosting;

/// <summary>Starts the actor system with the host and stops it gracefully (drain, persist) on shutdown.</summary>
internal sealed class ActorSystemHostedService(ActorSystem system) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => system.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => system.StopAsync(cancellationToken);
}
