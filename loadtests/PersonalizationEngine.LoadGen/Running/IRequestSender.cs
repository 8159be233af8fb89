using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Running;

/// <summary>Sends one request; a seam so the scheduler can be tested with a fake slow handler.</summary>
public interface IRequestSender
{
    Task<SendOutcome> SendAsync(RequestSpec request, CancellationToken cancellationToken);
}
