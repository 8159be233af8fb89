using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>Builds request bodies in the native (DESIGN.md) and Segment formats, and NBO query paths.</summary>
public sealed class PayloadFactory(ICustomerSampler customers, TimeProvider time)
{
    public static readonly string[] Channels = ["web", "app", "email", "store", "call_centre", "sms", "push", "ads"];
    public static readonly string[] EventTypes = ["page_view", "product_view", "add_to_cart", "search", "purchase", "offer_impression", "offer_click", "login"];
    private static readonly string[] Placements = ["home", "checkout", "product", "email_footer"];
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };
    private long _sequence;

    public string NextCustomerId() => "u" + customers.Next(Random.Shared).ToString(CultureInfo.InvariantCulture);

    public RequestSpec NativeEvents(int batchSize)
    {
        using var buffer = new MemoryStream(batchSize * 220);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartArray();
            var now = time.GetUtcNow();
            for (var i = 0; i < batchSize; i++)
            {
                var type = EventTypes[Random.Shared.Next(EventTypes.Length)];
                WriteNativeEvent(w, NextEventId(), NextCustomerId(), null, Channels[Random.Shared.Next(Channels.Length)], type, now);
                w.WriteStartObject("properties");
                w.WriteString("page", "/p/" + Random.Shared.Next(500).ToString(CultureInfo.InvariantCulture));
                if (type == "purchase")
                {
                    w.WriteNumber("amount", Math.Round(Random.Shared.NextDouble() * 200, 2));
                    w.WriteString("currency", "GBP");
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return new RequestSpec("/api/v1/events", buffer.ToArray(), batchSize, AuthKind.Bearer);
    }

    /// <summary>Segment HTTP Tracking API batch: <c>{"batch":[{"type":"track",...}],"sentAt":...}</c>.</summary>
    public RequestSpec SegmentBatch(int batchSize)
    {
        using var buffer = new MemoryStream(batchSize * 260);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            var now = time.GetUtcNow();
            w.WriteStartObject();
            w.WriteStartArray("batch");
            for (var i = 0; i < batchSize; i++)
            {
                w.WriteStartObject();
                w.WriteString("type", "track");
                w.WriteString("messageId", NextEventId());
                w.WriteString("userId", NextCustomerId());
                w.WriteString("event", EventTypes[Random.Shared.Next(EventTypes.Length)]);
                w.WriteString("timestamp", now);
                w.WriteStartObject("properties");
                w.WriteString("page", "/p/" + Random.Shared.Next(500).ToString(CultureInfo.InvariantCulture));
                w.WriteEndObject();
                w.WriteStartObject("context");
                w.WriteStartObject("library");
                w.WriteString("name", "analytics.js");
                w.WriteString("version", "4.1.0");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("sentAt", now);
            w.WriteEndObject();
        }

        return new RequestSpec("/v1/batch", buffer.ToArray(), batchSize, AuthKind.SegmentWriteKey);
    }

    public RequestSpec NextBestOffer()
    {
        var channel = Random.Shared.Next(4) == 0 ? Channels[Random.Shared.Next(Channels.Length)] : "web";
        var placement = Random.Shared.Next(4) == 0 ? Placements[Random.Shared.Next(Placements.Length)] : "home";
        return new RequestSpec(
            $"/api/v1/customers/user_id:{NextCustomerId()}/next-best-offer?channel={channel}&placement={placement}&limit=3",
            null,
            0,
            AuthKind.Bearer);
    }

    /// <summary>Writes an event object up to (not including) its properties and closing brace.</summary>
    public static void WriteNativeEvent(Utf8JsonWriter w, string eventId, string? userId, string? anonymousId, string channel, string type, DateTimeOffset timestamp)
    {
        w.WriteStartObject();
        w.WriteString("eventId", eventId);
        w.WriteStartObject("identifiers");
        if (userId is not null)
        {
            w.WriteString("user_id", userId);
        }

        if (anonymousId is not null)
        {
            w.WriteString("anonymous_id", anonymousId);
        }

        w.WriteEndObject();
        w.WriteString("channel", channel);
        w.WriteString("type", type);
        w.WriteString("timestamp", timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
    }

    // Unique per run and process so retries of the same generator do not collide with an earlier run.
    private static readonly string RunPrefix = Convert.ToHexString(BitConverter.GetBytes(Environment.TickCount64 ^ Environment.ProcessId)).ToLowerInvariant();

    private string NextEventId() => RunPrefix + "-" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);

    internal static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);
}
