using System.Diagnostics;
using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Running;

/// <summary>
/// Open loop: every request has an intended send time and its latency is measured from that time, not from
/// when it actually left, so a stalled server shows up as latency (no coordinated omission). At most
/// <c>maxInFlight</c> requests are outstanding; a request due while the bound is reached is dropped and counted.
/// </summary>
public sealed class OpenLoopRunner(IRequestSender sender, int maxInFlight)
{
    private int _inFlight;

    public async Task RunAsync(IEnumerable<ScheduledRequest> schedule, RunRecorder recorder, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        foreach (var item in schedule)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var due = start + (long)(item.Offset.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                // Sleep coarsely, then issue everything that has become due: timers are ~1 ms, rates are far higher.
                try
                {
                    await Task.Delay(wait - TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            // Sub-millisecond gaps: yield rather than spin so the generator does not burn a core the server needs
            // (this machine has two). Any lateness here is counted in the latency, never hidden.
            while (Stopwatch.GetTimestamp() < due)
            {
                Thread.Yield();
            }

            if (Interlocked.Increment(ref _inFlight) > maxInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                recorder.OnDropped();
                continue;
            }

            recorder.OnSent();
            pending.Add(SendOneAsync(item.Request, due, recorder, cancellationToken));
            if (pending.Count >= 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task SendOneAsync(RequestSpec request, long intended, RunRecorder recorder, CancellationToken cancellationToken)
    {
        // Yield so the scheduler loop is never held up by the synchronous part of a send.
        await Task.Yield();
        try
        {
            var outcome = await sender.SendAsync(request, cancellationToken).ConfigureAwait(false);
            recorder.OnCompleted(outcome, (long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds, request.EventCount);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
