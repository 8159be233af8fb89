namespace PersonalizationEngine.Actors;

/// <summary>Hands out references to grains; the grain is activated on its first call, not here.</summary>
public interface IGrainFactory
{
    GrainReference<TGrain> GetGrain<TGrain>(string key)
        where TGrain : Grain;
}
