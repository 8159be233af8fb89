using System.Net.Http.Headers;
using System.Text.Json;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Issue 17: the dashboard's history lives on the server, and its figures are on /metrics too.</summary>
public sealed class DashboardTests(DataApiTests.Engine engine) : IClassFixture<DataApiTests.Engine>
{
    private static StatsPoint Point(int second) => new(DateTimeOffset.UnixEpoch.AddSeconds(second), second, 0, 0, 0, 0);

    [Fact]
    public void The_history_ring_keeps_the_newest_points_oldest_first()
    {
        var ring = new StatsHistory(capacity: 3);
        Assert.Empty(ring.Snapshot());
        ring.Add(Point(1));
        ring.Add(Point(2));
        Assert.Equal([1.0, 2.0], ring.Snapshot().Select(p => p.EventsPerSecond));
        for (var s = 3; s <= 7; s++) ring.Add(Point(s));
        Assert.Equal([5.0, 6.0, 7.0], ring.Snapshot().Select(p => p.EventsPerSecond));
        Assert.Equal(3600, new StatsHistory().Capacity); // an hour of seconds
    }

    [Fact]
    public async Task The_server_keeps_per_second_history_and_exports_decision_metrics()
    {
        var c = engine.Client();
        var ev = $$"""[{"eventId":"dash-1","identifiers":{"user_id":"dash"},"channel":"web","type":"page_view","timestamp":"{{DateTimeOffset.UtcNow:O}}"}]""";
        await engine.Client(DataApiTests.Write).PostAsync("/api/v1/events", new StringContent(ev, System.Text.Encoding.UTF8, "application/json"));
        Assert.True((await c.GetAsync("/api/v1/customers/user_id:dash/next-best-offer")).IsSuccessStatusCode);

        JsonElement points = default;
        for (var i = 0; i < 100; i++)
        {
            points = JsonDocument.Parse(await c.GetStringAsync("/api/v1/stats/history")).RootElement;
            if (points.GetArrayLength() >= 2) break;
            await Task.Delay(100);
        }
        Assert.True(points.GetArrayLength() >= 2, "the sampler records a point a second");
        var times = points.EnumerateArray().Select(p => p.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.True(points[0].TryGetProperty("decisionsPerSecond", out _));

        var metrics = await c.GetStringAsync("/metrics");
        Assert.Contains("pe_decisions_total", metrics, StringComparison.Ordinal);
        Assert.Contains("pe_decisions_per_second", metrics, StringComparison.Ordinal);
        Assert.Contains("pe_decision_latency_ms", metrics, StringComparison.Ordinal);
    }
}
