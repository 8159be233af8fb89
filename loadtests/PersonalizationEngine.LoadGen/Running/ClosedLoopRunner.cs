using System.Diagnostics;
using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Running;

/// <summary>Closed loop: <c>concurrency</c> workers each send, wait for the answer, and send again.</summary>
public sealed class ClosedLoopRunner(IRequestSender sender, int concurrency)
{
    public async Task RunAsync(IRequestSource source, TimeSpan duration, RunRecorder recorder, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var workers = Enumerable.Range(0, concurrency).Select(_ => WorkerAsync(source, recorder, stop.Token)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task WorkerAsync(IRequestSource source, RunRecorder recorder, CancellationToken cancellationToken)
    {
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            var request = source.Next();
            var started = Stopwatch.GetTimestamp();
            recorder.OnSent();
            try
            {
                var outcome = await sender.SendAsync(request, cancellationToken).ConfigureAwait(false);
                recorder.OnCompleted(outcome, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, request.EventCount);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
