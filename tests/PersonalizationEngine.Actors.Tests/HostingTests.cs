using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PersonalizationEngine.Actors.Tests.Grains;
using PersonalizationEngine.Storage;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Actors.Tests;

public sealed class HostingTests
{
    [Fact]
    public async Task AddActorSystem_builds_grains_from_the_container_and_the_hosted_service_persists_on_stop()
    {
        var storage = new InMemoryStorageProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IStorageProvider>(storage);
        services.AddSingleton<IGreeting>(new Greeting("hello"));
        services.AddActorSystem(b => b.AddGrain(sp => new GreeterGrain(sp.GetRequiredService<IGreeting>())));
        await using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var h in hosted)
        {
            await h.StartAsync(CancellationToken.None);
        }

        var factory = provider.GetRequiredService<IGrainFactory>();
        Assert.Same(provider.GetRequiredService<ActorSystem>(), factory);
        Assert.Equal("hello ada", await factory.GetGrain<GreeterGrain>("ada").InvokeAsync(static g => g.Greet()));

        foreach (var h in hosted)
        {
            await h.StopAsync(CancellationToken.None);
        }

        Assert.NotNull(await storage.States.ReadAsync(nameof(GreeterGrain), "ada"));
    }
}
