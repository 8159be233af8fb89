using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PersonalizationEngine.Actors.Runtime;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Actors;

/// <summary>Collects options, storage, clock, logging and grain registrations, then builds an <see cref="ActorSystem"/>.</summary>
public sealed class ActorSystemBuilder
{
    private readonly Dictionary<Type, Func<IServiceProvider, Grain>> _grains = [];
    private IStorageProvider? _storage;
    private TimeProvider _time = TimeProvider.System;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private IGrainStateSerializer _serializer = JsonGrainStateSerializer.Default;
    private IServiceProvider _services = EmptyServiceProvider.Instance;

    public ActorSystemOptions Options { get; } = new();

    public ActorSystemBuilder Configure(Action<ActorSystemOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Registers a grain class with a parameterless constructor.</summary>
    public ActorSystemBuilder AddGrain<TGrain>()
        where TGrain : Grain, new() =>
        AddGrain(static _ => new TGrain());

    /// <summary>Registers a grain class built by <paramref name="factory"/>, e.g. to inject its dependencies.</summary>
    public ActorSystemBuilder AddGrain<TGrain>(Func<IServiceProvider, TGrain> factory)
        where TGrain : Grain
    {
        ArgumentNullException.ThrowIfNull(factory);
        _grains[typeof(TGrain)] = factory;
        return this;
    }

    public ActorSystemBuilder UseStorage(IStorageProvider storage)
    {
        _storage = storage ?? throw new ArgumentNullException(nameof(storage));
        return this;
    }

    public ActorSystemBuilder UseTimeProvider(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        return this;
    }

    public ActorSystemBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    public ActorSystemBuilder UseSerializer(IGrainStateSerializer serializer)
    {
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        return this;
    }

    /// <summary>The provider grain factories receive (the application's container under DI).</summary>
    public ActorSystemBuilder UseServiceProvider(IServiceProvider services)
    {
        _services = services ?? throw new ArgumentNullException(nameof(services));
        return this;
    }

    public ActorSystem Build() =>
        new(Options, _storage ?? throw new InvalidOperationException("No storage provider: call UseStorage(...) (InMemoryStorageProvider for tests)."),
            _time, _loggerFactory, _serializer, _services, _grains);
}
