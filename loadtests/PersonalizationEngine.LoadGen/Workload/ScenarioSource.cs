namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>Request mix of a synthetic scenario: share of queries, the rest event batches (native or Segment).</summary>
public sealed class ScenarioSource(PayloadFactory payloads, double queryShare, int batchSize, bool segment) : IRequestSource
{
    public RequestSpec Next()
    {
        if (queryShare >= 1.0 || (queryShare > 0 && Random.Shared.NextDouble() < queryShare))
        {
            return payloads.NextBestOffer();
        }

        return segment ? payloads.SegmentBatch(batchSize) : payloads.NativeEvents(batchSize);
    }
}
