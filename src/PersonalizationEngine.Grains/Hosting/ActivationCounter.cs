using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Grains.Hosting;

/// <summary>
/// Customer activations on this silo: counted by the customer grain as it activates and leaves (one interlocked add
/// each), so ingestion can refuse work while memory is saturated and the limiter knows when to shed.
/// </summary>
public sealed class ActivationCounter
{
    private static readonly Meter Meter = new("PersonalizationEngine.Actors");
    private long _count;

    public ActivationCounter(IOptions<ActorOptions> options)
    {
        Options = options.Value;
        Meter.CreateObservableGauge("pe_customer_activations", () => Count, "activations", "Customer grains in memory on this silo.");
    }

    public ActorOptions Options { get; }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>More customers in memory than shedding keeps up with (<see cref="ActorOptions.SaturationFactor"/>).</summary>
    public bool IsSaturated => Count > Options.MaxActivations * Options.SaturationFactor;

    public void Activated() => Interlocked.Increment(ref _count);

    public void Deactivated() => Interlocked.Decrement(ref _count);
}
