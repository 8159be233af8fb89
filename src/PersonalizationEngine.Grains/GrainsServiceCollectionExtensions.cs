using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PersonalizationEngine.Actors;
using PersonalizationEngine.Grains;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Identity;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Grains.Protection;

namespace Microsoft.Extensions.DependencyInjection;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the actor system with the engine's grains and the services the gateway calls (ingestion,
    /// customer directory, customer operations). Storage must be registered separately (AddEngineStorage).
    /// </summary>
    public static IServiceCollection AddEngineGrains(this IServiceCollection services, IConfiguration configuration, Action<ActorSystemBuilder>? configure = null)
    {
        var engine = configuration.GetSection(EngineOptions.Section);
        services.AddOptions<EngineOptions>().Configure(o =>
        {
            o.MasterKey = engine["MasterKey"] ?? o.MasterKey;
            o.IdentifierKey = engine["IdentifierKey"] ?? o.IdentifierKey;
            if (engine["SnapshotEveryEvents"] is { } every) o.SnapshotEveryEvents = int.Parse(every, System.Globalization.CultureInfo.InvariantCulture);
            if (engine["MaxInFlightEvents"] is { } inFlight) o.MaxInFlightEvents = int.Parse(inFlight, System.Globalization.CultureInfo.InvariantCulture);
            if (engine["ChurnRescoreInterval"] is { } rescore) o.ChurnRescoreInterval = TimeSpan.Parse(rescore, System.Globalization.CultureInfo.InvariantCulture);
            if (engine["UnmergeRetainEvents"] is { } retain) o.UnmergeRetainEvents = int.Parse(retain, System.Globalization.CultureInfo.InvariantCulture);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(configuration);
        services.TryAddSingleton<EngineKeys>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Models.ChurnModelRegistry>();
        services.TryAddSingleton<IngestionService>();
        services.TryAddSingleton<CustomerDirectory>();
        services.TryAddSingleton<CustomerService>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Stats.SegmentCounts>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Catalog.EngineSettings>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Stats.EngineStats>();
        // The actor system is registered before the hosted services that call grains, so it starts before them
        // and stops after them (hosted services stop in reverse order): their last calls at shutdown still land.
        services.AddActorSystem(b =>
        {
            b.AddGrain(sp => ActivatorUtilities.CreateInstance<CustomerGrain>(sp));
            b.AddGrain<IdentityGrain>();
            b.AddGrain<PersonalizationEngine.Grains.Offers.OfferModelGrain>();
            var section = configuration.GetSection("Actors");
            b.Configure(o =>
            {
                if (section["IdleTimeout"] is { } idle) o.IdleTimeout = TimeSpan.Parse(idle, System.Globalization.CultureInfo.InvariantCulture);
                if (section["MaxActivations"] is { } max) o.MaxActivations = int.Parse(max, System.Globalization.CultureInfo.InvariantCulture);
                if (section["SaturationFactor"] is { } saturation) o.SaturationFactor = double.Parse(saturation, System.Globalization.CultureInfo.InvariantCulture);
                if (section["WriteBehindInterval"] is { } wb) o.WriteBehindInterval = TimeSpan.Parse(wb, System.Globalization.CultureInfo.InvariantCulture);
            });
            configure?.Invoke(b);
        });
        services.AddHostedService<PersonalizationEngine.Grains.Models.ModelLoader>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Triggers.TriggerBus>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Decisioning.DecisioningCatalog>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Offers.PropensityCache>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Decisioning.DecisionService>();
        services.AddHostedService(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Offers.PropensityCache>());
        services.TryAddSingleton<PersonalizationEngine.Grains.Triggers.IHttpClientFactoryLike, PersonalizationEngine.Grains.Triggers.DefaultWebhookClientFactory>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>());
        return services;
    }
}
