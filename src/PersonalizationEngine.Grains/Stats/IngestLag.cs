using System.Diagnostics.Metrics;

namespace PersonalizationEngine.Grains.Stats;

/// <summary>
/// Ingest lag as the operations page shows it: the time from a batch's receipt to its events being durable and
/// applied, read from the ingestion's own histogram (<c>pe_ingest_batch_duration</c>) with a
/// <see cref="MeterListener"/>, so ingestion carries no extra code. <see cref="Drain"/> answers the percentiles of the
/// batches since the previous call (zeros when there were none), so each second of history has its own figure.
/// </summary>
public sealed class IngestLag : IDisposable
{
    public const string MeterName = "PersonalizationEngine.Ingestion";
    public const string InstrumentName = "pe_ingest_batch_duration";

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly double[] _values;
    private long _count;

    /// <param name="meterName">The meter to listen to (tests give their own, so no engine in the same process interferes).</param>
    public IngestLag(int capacity = 8192, string meterName = MeterName)
    {
        _values = new double[capacity];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == InstrumentName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => Record(value));
        _listener.Start();
    }

    public void Record(double milliseconds)
    {
        lock (_gate)
        {
            _values[_count % _values.Length] = milliseconds;
            _count++;
        }
    }

    /// <summary>The 50th and 99th percentiles (nearest rank, ms) of what was recorded since the last call, and forgets it.</summary>
    public (double P50, double P99) Drain()
    {
        double[] copy;
        lock (_gate)
        {
            var n = (int)Math.Min(_count, _values.Length);
            copy = _values.AsSpan(0, n).ToArray();
            _count = 0;
        }
        if (copy.Length == 0) return (0, 0);
        Array.Sort(copy);
        return (Math.Round(Rank(copy, 50), 3), Math.Round(Rank(copy, 99), 3));
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public void Dispose() => _listener.Dispose();
}
