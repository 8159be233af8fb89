using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Actors.Hosting;
using PersonalizationEngine.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class ActorSystemServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="ActorSystem"/> (also as <see cref="IGrainFactory"/>) and a hosted service that
    /// starts and gracefully stops it. Storage, TimeProvider and ILoggerFactory come from the container when
    /// registered there; <paramref name="configure"/> runs last and may override them.
    /// </summary>
    public static IServiceCollection AddActorSystem(this IServiceCollection services, Action<ActorSystemBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(sp =>
        {
            var builder = new ActorSystemBuilder().UseServiceProvider(sp);
            if (sp.GetService<IStorageProvider>() is { } storage)
            {
                builder.UseStorage(storage);
            }

            if (sp.GetService<TimeProvider>() is { } time)
            {
                builder.UseTimeProvider(time);
            }

            if (sp.GetService<ILoggerFactory>() is { } loggers)
            {
                builder.UseLoggerFactory(loggers);
            }

            configure(builder);
            return builder.Build();
        });
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ActorSystem>());
        services.AddHostedService<ActorSystemHostedService>();
        return services;
    }
}
