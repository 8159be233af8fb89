using System.Collections.Concurrent;
using System.Diagnostics;

namespace PersonalizationEngine.LoadGen.Metrics;

/// <summary>
/// Thread-safe counters for a run: a whole-run histogram, a per-interval histogram swapped every second for
/// the progress line, status counts and Retry-After counts.
/// </summary>
public sealed class RunRecorder
{
    private readonly LatencyHistogram _all = new();
    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private readonly List<SecondSample> _seconds = [];
    private LatencyHistogram _interval = new();
    private long _sent;
    private long _completed;
    private long _errors;
    private long _dropped;
    private long _events;
    private long _retryAfterPresent;
    private long _retryAfterMissing;
    private long _lastSent;
    private long _lastCompleted;
    private long _lastErrors;
    private long _lastDropped;
    private long _lastTick = Stopwatch.GetTimestamp();
    private Dictionary<int, long> _lastStatus = [];

    public LatencyHistogram Histogram => _all;

    public long Sent => Interlocked.Read(ref _sent);

    public long Completed => Interlocked.Read(ref _completed);

    public long Errors => Interlocked.Read(ref _errors);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Events => Interlocked.Read(ref _events);

    public long RetryAfterPresent => Interlocked.Read(ref _retryAfterPresent);

    public long RetryAfterMissing => Interlocked.Read(ref _retryAfterMissing);

    public IReadOnlyDictionary<int, long> ByStatus => _byStatus;

    public IReadOnlyList<SecondSample> Seconds
    {
        get
        {
            lock (_seconds)
            {
                return [.. _seconds];
            }
        }
    }

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnDropped() => Interlocked.Increment(ref _dropped);

    public void OnCompleted(SendOutcome outcome, long latencyMicros, int events)
    {
        _all.Record(latencyMicros);
        Volatile.Read(ref _interval).Record(latencyMicros);
        Interlocked.Increment(ref _completed);
        _byStatus.AddOrUpdate(outcome.StatusCode, 1, static (_, v) => v + 1);
        if (outcome.IsSuccess)
        {
            Interlocked.Add(ref _events, events);
            return;
        }

        Interlocked.Increment(ref _errors);
        if (outcome.StatusCode is 429 or 503)
        {
            Interlocked.Increment(ref outcome.HasRetryAfter ? ref _retryAfterPresent : ref _retryAfterMissing);
        }
    }

    /// <summary>Closes the current one-second interval and returns its sample (called by the progress timer).</summary>
    public SecondSample Tick()
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = Math.Max(1e-6, Stopwatch.GetElapsedTime(_lastTick, now).TotalSeconds);
        _lastTick = now;
        var interval = Interlocked.Exchange(ref _interval, new LatencyHistogram());
        long sent = Sent, completed = Completed, errors = Errors, dropped = Dropped;
        var status = _byStatus.ToDictionary(p => p.Key, p => p.Value);
        var errorsByStatus = status
            .Where(p => p.Key is < 200 or >= 300)
            .Select(p => (Key: StatusName(p.Key), Delta: p.Value - _lastStatus.GetValueOrDefault(p.Key)))
            .Where(p => p.Delta > 0)
            .ToDictionary(p => p.Key, p => p.Delta);
        SecondSample sample;
        lock (_seconds)
        {
            sample = new SecondSample(
                _seconds.Count + 1,
                sent - _lastSent,
                completed - _lastCompleted,
                errors - _lastErrors,
                dropped - _lastDropped,
                (completed - _lastCompleted) / elapsed,
                interval.Percentile(50) / 1000.0,
                interval.Percentile(99) / 1000.0,
                errorsByStatus);
            _seconds.Add(sample);
        }

        (_lastSent, _lastCompleted, _lastErrors, _lastDropped, _lastStatus) = (sent, completed, errors, dropped, status);
        return sample;
    }

    public static string StatusName(int status) => status == 0 ? "transport" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
