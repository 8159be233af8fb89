using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Running;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Tests;

/// <summary>A handler that serves one request at a time, each taking <c>serviceTime</c>: requests queue behind it.</summary>
internal sealed class FakeSender(TimeSpan serviceTime, int status = 200) : IRequestSender
{
    private readonly SemaphoreSlim _single = new(1, 1);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public async Task<SendOutcome> SendAsync(RequestSpec request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await _single.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (serviceTime > TimeSpan.Zero)
            {
                await Task.Delay(serviceTime, cancellationToken).ConfigureAwait(false);
            }

            return new SendOutcome(status, status is 429 or 503);
        }
        finally
        {
            _single.Release();
        }
    }
}
