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

    public Task RunAsync(IEnumerable<ScheduledRequest> schedule, RunRecorder recorder, CancellationToken cancellationToken) =>
        // The schedule runs on a thread of its own: it sleeps between arrivals (see Pacer), which must not hold a
        // thread-pool thread the sends need.
        Task.Factory.StartNew(() => Run(schedule, recorder, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private Task Run(IEnumerable<ScheduledRequest> schedule, RunRecorder recorder, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        foreach (var item in schedule)
        {
            var due = start + (long)(item.Offset.TotalSeconds * Stopwatch.Frequency);
            // Any lateness of this wake-up is counted in the latency (measured from `due`), never hidden.
            Pacer.WaitUntil(due, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
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

        return Task.WhenAll(pending);
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
