using System.Text.Json;
using System.Text.Json.Serialization;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>
/// Source-generated System.Text.Json metadata for journal payloads (one event per entry, on every ingest), with
/// the same settings as <see cref="JsonSerializerOptions.Web"/>, so payloads read and write exactly as before
/// without reflection-driven serialisation on the hot path.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CustomerEvent))]
internal sealed partial class CustomerJsonContext : JsonSerializerContext;
