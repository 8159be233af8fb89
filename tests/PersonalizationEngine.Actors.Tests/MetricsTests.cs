using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PersonalizationEngine.Actors.Testing;
using PersonalizationEngine.Actors.Tests.Grains;

namespace PersonalizationEngine.Actors.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task The_meter_publishes_activations_turns_collections_and_refusals()
    {
        var seen = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "PersonalizationEngine.Actors")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => seen.AddOrUpdate(i.Name, v, (_, old) => old + v));
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => seen.AddOrUpdate(i.Name, v, (_, old) => old + v));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => seen.AddOrUpdate(i.Name, 1, (_, old) => old + 1));
        listener.Start();

        var host = await TestActorHost.StartAsync(b => b.AddGrain<CounterGrain>());
        var grain = host.GetGrain<CounterGrain>("m");
        await grain.InvokeAsync(static g => g.Increment());
        await grain.CallAsync(static g => g.SaveAsync());
        listener.RecordObservableInstruments();
        await grain.InvokeAsync(static g => { g.Deactivate(); return 0; });
        await host.System.WaitForIdleAsync();
        await host.StopAsync();
        await Assert.ThrowsAsync<ActorSystemStoppingException>(() => grain.InvokeAsync(static g => g.Get()).AsTask());
        listener.RecordObservableInstruments();

        Assert.True(seen.GetValueOrDefault("actors.activations.created") >= 1);
        Assert.True(seen.GetValueOrDefault("actors.activations.collected") >= 1);
        Assert.True(seen.GetValueOrDefault("actors.turn.duration") >= 2);
        Assert.True(seen.GetValueOrDefault("actors.refusals") >= 1);
        Assert.True(seen.ContainsKey("actors.activations"));
        Assert.True(seen.ContainsKey("actors.mailbox.depth"));

        var stats = host.System.GetStatistics();
        Assert.Equal(1, stats.ActivationsCreated);
        Assert.Equal(1, stats.ActivationsCollected);
        Assert.Equal(1, stats.Refusals);
        await host.DisposeAsync();
    }
}
