using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Runtime.Hosting;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Grains;
using PersonalizationEngine.Grains.Customers;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Grains.Protection;
using PersonalizationEngine.Storage;

namespace Microsoft.Extensions.DependencyInjection;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the services the grains use and the gateway calls (ingestion, customer directory, customer operations,
    /// decisions), and the hosted services that call grains (reminder poll, activation limiter, offer-model copies,
    /// webhooks). Register them after the silo (<c>UseOrleans</c>) so they start after it and stop before it.
    /// Storage must be registered separately (AddEngineStorage); the silo is configured with <see cref="AddEngine"/>.
    /// </summary>
    public static IServiceCollection AddEngineGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EngineOptions>().Configure(o =>
        {
            var engine = configuration.GetSection(EngineOptions.Section);
            o.MasterKey = engine["MasterKey"] ?? o.MasterKey;
            o.IdentifierKey = engine["IdentifierKey"] ?? o.IdentifierKey;
            if (engine["SnapshotEveryEvents"] is { } every) o.SnapshotEveryEvents = int.Parse(every, System.Globalization.CultureInfo.InvariantCulture);
            if (engine["MaxInFlightEvents"] is { } inFlight) o.MaxInFlightEvents = int.Parse(inFlight, System.Globalization.CultureInfo.InvariantCulture);
            if (engine["ChurnRescoreInterval"] is { } rescore) o.ChurnRescoreInterval = TimeSpan.Parse(rescore, System.Globalization.CultureInfo.InvariantCulture);
            if (engine["UnmergeRetainEvents"] is { } retain) o.UnmergeRetainEvents = int.Parse(retain, System.Globalization.CultureInfo.InvariantCulture);
            if (engine["IdentityCacheSize"] is { } cacheSize) o.IdentityCacheSize = int.Parse(cacheSize, System.Globalization.CultureInfo.InvariantCulture);
            o.Fencing = configuration.GetValue<bool?>("Cluster:Fencing") ?? PersonalizationEngine.Grains.Sharing.ClusterMode.IsMultiNode(configuration);
        });
        services.AddOptions<ActorOptions>().Bind(configuration.GetSection(ActorOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(configuration);
        services.TryAddSingleton<EngineKeys>();
        services.TryAddSingleton<ActivationCounter>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Models.ChurnModelRegistry>();
        services.AddOptions<IngestLogOptions>().Bind(configuration.GetSection(IngestLogOptions.Section)).ValidateDataAnnotations().ValidateOnStart()
            .PostConfigure(o => o.Acknowledge ??= PersonalizationEngine.Grains.Sharing.ClusterMode.IsMultiNode(configuration) ? IngestAcknowledgement.Applied : IngestAcknowledgement.Durable);
        services.TryAddSingleton<IngestLog>();
        services.TryAddSingleton<IngestionService>();
        services.TryAddSingleton<CustomerDirectory>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Identity.IdentityCache>();
        services.TryAddSingleton<CustomerService>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Stats.SegmentCounts>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Catalog.EngineSettings>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Stats.EngineStats>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Triggers.TriggerBus>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Decisioning.DecisioningCatalog>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Offers.LearningMetrics>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Offers.PropensityCache>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Decisioning.DecisionService>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Triggers.IHttpClientFactoryLike, PersonalizationEngine.Grains.Triggers.DefaultWebhookClientFactory>();
        services.TryAddSingleton<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>();
        services.TryAddSingleton<ReminderPoller>();
        // Records every node caches, checked against the store in a cluster (Cluster:SyncInterval; off on one node).
        services.TryAddSingleton(new PersonalizationEngine.Grains.Sharing.SharedRecordOptions
        {
            Interval = configuration.GetValue<TimeSpan?>("Cluster:SyncInterval")
                ?? (PersonalizationEngine.Grains.Sharing.ClusterMode.IsMultiNode(configuration) ? TimeSpan.FromSeconds(1) : TimeSpan.Zero),
        });
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Decisioning.DecisioningCatalog>().Offers);
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Decisioning.DecisioningCatalog>().Policies);
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Catalog.EngineSettings>().Segments);
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>().Triggers);
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>().DeadLetters);
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>().Outbox);
        services.AddSingleton<PersonalizationEngine.Grains.Sharing.ISharedRecord>(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Models.ChurnModelRegistry>());
        services.TryAddSingleton<PersonalizationEngine.Grains.Sharing.SharedRecordWatcher>();
        services.TryAddSingleton<ActivationLimiter>();
        services.AddHostedService<PersonalizationEngine.Grains.Models.ModelLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Offers.PropensityCache>());
        services.AddHostedService(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Triggers.WebhookDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<ReminderPoller>());
        services.AddHostedService(sp => sp.GetRequiredService<ActivationLimiter>());
        services.AddHostedService(sp => sp.GetRequiredService<PersonalizationEngine.Grains.Sharing.SharedRecordWatcher>());
        // Last: started after everything it calls, stopped first (it drains the ingest log while the silo still runs).
        services.AddHostedService<IngestLogApplier>();
        return services;
    }

    /// <summary>
    /// Configures a silo for the engine: the engine's grain storage over the project's schema, the serialisation of
    /// domain values, idle collection of customers, per-activation queue limits (refusal instead of unbounded queues) and,
    /// when asked, Orleans' memory-pressure shedding. Clustering is the host's choice (localhost by default).
    /// </summary>
    public static ISiloBuilder AddEngine(this ISiloBuilder silo, IConfiguration configuration)
    {
        var actors = configuration.GetSection(ActorOptions.Section).Get<ActorOptions>() ?? new ActorOptions();
        silo.Services.AddSerializer(s => s.AddEngineSerialization());
        silo.Services.AddGrainStorage(EngineGrainStorage.Name, static (sp, _) => new EngineGrainStorage(sp.GetRequiredService<IStorageProvider>()));
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = actors.CollectionQuantum;
            o.ClassSpecificCollectionAge[typeof(CustomerGrain).FullName!] = actors.IdleTimeout;
            o.ClassSpecificCollectionAge[typeof(PersonalizationEngine.Grains.Identity.IdentityGrain).FullName!] = actors.IdentityIdleTimeout;
            o.EnableActivationSheddingOnMemoryPressure = actors.ShedOnMemoryPressure;
            o.MemoryUsageLimitPercentage = actors.MemoryLimitPercent;
            o.MemoryUsageTargetPercentage = actors.MemoryTargetPercent;
        });
        silo.Configure<SiloMessagingOptions>(o =>
        {
            o.MaxEnqueuedRequestsHardLimit = actors.MaxQueuedCallsPerActivation;
            o.MaxEnqueuedRequestsSoftLimit = 0;
        });
        return silo;
    }
}
