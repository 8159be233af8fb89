using System.Collections.Concurrent;
using System.Reflection;

namespace PersonalizationEngine.Actors.Runtime;

/// <summary>One registered grain class: its stored name, its factory and the directory of its activations.</summary>
internal sealed class GrainTypeInfo(Type clrType, Func<IServiceProvider, Grain> factory)
{
    public Type ClrType { get; } = clrType;

    public string Name { get; } = clrType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? clrType.Name;

    public Func<IServiceProvider, Grain> Factory { get; } = factory;

    // Per-type directories keep the key a plain string: no composite-key allocation or hashing per call.
    public ConcurrentDictionary<string, Activation> Activations { get; } = new(StringComparer.Ordinal);
}
