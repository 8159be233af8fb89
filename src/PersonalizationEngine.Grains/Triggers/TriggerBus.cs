using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace PersonalizationEngine.Grains.Triggers;

/// <summary>Something a customer grain noticed that triggers may react to.</summary>
public sealed record CustomerSignal(string Kind, string ProfileId, DateTimeOffset At, string? Segment = null, string? EventType = null, double? Value = null);

/// <summary>
/// A bounded hand-off from grains (no I/O in a turn: <see cref="Publish"/> never blocks) to the webhook
/// dispatcher. When the dispatcher falls far behind, the oldest signals are dropped and counted.
/// </summary>
public sealed class TriggerBus
{
    private static readonly Meter Meter = new("PersonalizationEngine.Triggers");
    private static readonly Counter<long> Dropped = Meter.CreateCounter<long>("pe_trigger_signals_dropped", "signals", "Signals dropped because the dispatcher was behind.");
    private readonly Channel<CustomerSignal> _channel = Channel.CreateBounded<CustomerSignal>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    }, _ => Dropped.Add(1));

    /// <summary>Set when at least one trigger is enabled, so grains skip publishing when nobody listens.</summary>
    public volatile bool HasListeners;

    public void Publish(CustomerSignal signal)
    {
        if (HasListeners) _channel.Writer.TryWrite(signal);
    }

    public ChannelReader<CustomerSignal> Reader => _channel.Reader;
}
