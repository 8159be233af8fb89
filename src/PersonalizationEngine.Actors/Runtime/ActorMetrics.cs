using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PersonalizationEngine.Actors.Runtime;

/// <summary>The runtime's instruments, on a Meter named <see cref="MeterName"/>.</summary>
internal sealed class ActorMetrics : IDisposable
{
    public const string MeterName = "PersonalizationEngine.Actors";

    private readonly Meter _meter;
    private readonly Counter<long> _created;
    private readonly Counter<long> _collected;
    private readonly Counter<long> _shed;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _turnDuration;
    private long _createdTotal;
    private long _collectedTotal;
    private long _shedTotal;
    private long _refusalsTotal;

    public ActorMetrics(Func<int> activations, Func<long> queued)
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableGauge("actors.activations", activations, "{activation}", "Live activations.");
        _meter.CreateObservableGauge("actors.mailbox.depth", queued, "{message}", "Messages queued across all mailboxes.");
        _created = _meter.CreateCounter<long>("actors.activations.created", "{activation}", "Activations created.");
        _collected = _meter.CreateCounter<long>("actors.activations.collected", "{activation}", "Activations collected when idle or on request.");
        _shed = _meter.CreateCounter<long>("actors.activations.shed", "{activation}", "Activations shed above the activation or memory limit.");
        _refusals = _meter.CreateCounter<long>("actors.refusals", "{call}", "Calls refused: mailbox full, queue bound or stopping.");
        _turnDuration = _meter.CreateHistogram<double>("actors.turn.duration", "s", "Duration of one grain turn.");
    }

    /// <summary>Turn timing costs two timestamps per turn, so it is only taken while someone listens.</summary>
    public bool TurnTimingEnabled => _turnDuration.Enabled;

    public long CreatedTotal => Interlocked.Read(ref _createdTotal);

    public long CollectedTotal => Interlocked.Read(ref _collectedTotal);

    public long ShedTotal => Interlocked.Read(ref _shedTotal);

    public long RefusalsTotal => Interlocked.Read(ref _refusalsTotal);

    public void RecordTurn(long startedTimestamp) => _turnDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    public void Created()
    {
        Interlocked.Increment(ref _createdTotal);
        _created.Add(1);
    }

    public void Removed(DeactivationReason? reason)
    {
        if (reason is DeactivationReason.CapacityLimit or DeactivationReason.MemoryPressure)
        {
            Interlocked.Increment(ref _shedTotal);
            _shed.Add(1);
        }
        else
        {
            Interlocked.Increment(ref _collectedTotal);
            _collected.Add(1);
        }
    }

    public void Refused()
    {
        Interlocked.Increment(ref _refusalsTotal);
        _refusals.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
