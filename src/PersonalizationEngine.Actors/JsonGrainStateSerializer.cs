using System.Text.Json;

namespace PersonalizationEngine.Actors;

/// <summary>The default serializer: System.Text.Json with web defaults (camelCase), readable in the database.</summary>
public sealed class JsonGrainStateSerializer : IGrainStateSerializer
{
    private readonly JsonSerializerOptions _options;

    public JsonGrainStateSerializer(JsonSerializerOptions? options = null) => _options = options ?? JsonSerializerOptions.Web;

    public static JsonGrainStateSerializer Default { get; } = new();

    public byte[] Serialize<TState>(TState state) => JsonSerializer.SerializeToUtf8Bytes(state, _options);

    public TState? Deserialize<TState>(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize<TState>(data, _options);
}
