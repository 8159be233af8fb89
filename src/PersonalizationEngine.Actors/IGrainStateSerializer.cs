namespace PersonalizationEngine.Actors;

/// <summary>Turns grain state into the bytes the <c>IGrainStateStore</c> keeps, and back.</summary>
public interface IGrainStateSerializer
{
    byte[] Serialize<TState>(TState state);

    TState? Deserialize<TState>(ReadOnlySpan<byte> data);
}
