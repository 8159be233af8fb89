using System.Text.Json;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Tests;

public sealed class PayloadTests
{
    private readonly PayloadFactory _payloads = new(new ZipfSampler(100, 1.1), TimeProvider.System);

    [Fact]
    public void Native_batch_is_a_json_array_of_events_with_the_contract_fields()
    {
        var spec = _payloads.NativeEvents(5);
        Assert.Equal("/api/v1/events", spec.PathAndQuery);
        Assert.Equal(5, spec.EventCount);
        using var doc = JsonDocument.Parse(spec.Body);
        Assert.Equal(5, doc.RootElement.GetArrayLength());
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            Assert.StartsWith("u", e.GetProperty("identifiers").GetProperty("user_id").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("eventId").GetString()));
            Assert.Contains(e.GetProperty("channel").GetString(), PayloadFactory.Channels);
            Assert.Contains(e.GetProperty("type").GetString(), PayloadFactory.EventTypes);
            Assert.True(DateTimeOffset.TryParse(e.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.Matches("[+-]\\d\\d:\\d\\d$|Z$", e.GetProperty("timestamp").GetString()!);
            Assert.Equal(JsonValueKind.Object, e.GetProperty("properties").ValueKind);
        }
    }

    [Fact]
    public void Segment_batch_uses_the_write_key_and_track_messages()
    {
        var spec = _payloads.SegmentBatch(20);
        Assert.Equal(AuthKind.SegmentWriteKey, spec.Auth);
        using var doc = JsonDocument.Parse(spec.Body);
        var batch = doc.RootElement.GetProperty("batch");
        Assert.Equal(20, batch.GetArrayLength());
        Assert.All(batch.EnumerateArray(), m => Assert.Equal("track", m.GetProperty("type").GetString()));
    }

    [Fact]
    public void Nbo_query_addresses_the_customer_by_user_id()
    {
        var spec = _payloads.NextBestOffer();
        Assert.Null(spec.Body);
        Assert.Matches("^/api/v1/customers/user_id:u\\d+/next-best-offer\\?channel=\\w+&placement=\\w+&limit=3$", spec.PathAndQuery);
    }

    [Fact]
    public void Csv_splitter_keeps_quoted_commas()
    {
        Assert.Equal(["536365", "85123A", "WHITE HANGING, HEART", "6"], RetailReplay.SplitCsv("536365,85123A,\"WHITE HANGING, HEART\",6"));
    }

    [Fact]
    public void Replay_schedules_retail_lines_at_their_sped_up_offsets()
    {
        var first = RetailReplay.Read(EndToEndTests.DatasetPath(), 3600, 50, TimeSpan.FromSeconds(10)).Take(200).ToList();
        Assert.Equal(TimeSpan.Zero, first[0].Offset);
        Assert.True(first.Zip(first.Skip(1)).All(p => p.First.Offset <= p.Second.Offset));
        using var doc = JsonDocument.Parse(first[0].Request.Body);
        var e = doc.RootElement[0];
        Assert.Equal("purchase", e.GetProperty("type").GetString());
        Assert.Equal("17850", e.GetProperty("identifiers").GetProperty("user_id").GetString());
        Assert.EndsWith("+00:00", e.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
    }
}
