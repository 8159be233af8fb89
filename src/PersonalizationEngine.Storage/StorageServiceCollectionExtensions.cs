using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PersonalizationEngine.Storage.Configuration;

namespace PersonalizationEngine.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the configured <see cref="IStorageProvider"/> as a singleton (and its stores). Options are read and
    /// validated now, so a bad configuration fails at start, not at the first request. The host must still call
    /// <see cref="IStorageProvider.InitializeAsync"/> before serving traffic.
    /// </summary>
    public static IServiceCollection AddEngineStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = StorageProviderFactory.ReadOptions(configuration);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(sp => StorageProviderFactory.Create(options, sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<IStorageProvider>().States);
        services.AddSingleton(sp => sp.GetRequiredService<IStorageProvider>().Journal);
        services.AddSingleton(sp => sp.GetRequiredService<IStorageProvider>().Reminders);
        return services;
    }
}
