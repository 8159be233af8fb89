namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>Produces the next request of a scenario. Must be safe to call from many workers at once.</summary>
public interface IRequestSource
{
    RequestSpec Next();
}
