using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Issue 17 (learning figures on /metrics) and issue 15: rewards pending and exploration share, from the live engine.</summary>
public sealed class LearningMetricsTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Rewards_pending_and_exploration_share_are_exported_and_the_offer_stats_carry_exploration_share()
    {
        using var engine = new SqliteEngineFactory(new Dictionary<string, string> { ["Decisioning:ControlShare"] = "0", ["Demo:Enabled"] = "false" });
        var c = engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DataApiTests.Admin);
        foreach (var id in new[] { "lm-a", "lm-b", "lm-c" })
        {
            Assert.Equal(HttpStatusCode.Created, (await c.PostAsync("/api/v1/offers", Json($$"""{"offerId":"{{id}}","name":"{{id}}"}"""))).StatusCode);
        }
        string Now() => DateTimeOffset.UtcNow.ToString("O");
        Assert.True((await c.PostAsync("/api/v1/events?wait=applied", Json($$"""[{"eventId":"lm-pv","identifiers":{"user_id":"lm"},"channel":"web","type":"page_view","timestamp":"{{Now()}}"}]"""))).IsSuccessStatusCode);
        var shown = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var d = JsonDocument.Parse(await c.GetStringAsync("/api/v1/customers/user_id:lm/next-best-offer?channel=web")).RootElement;
            var offer = d.GetProperty("offers")[0].GetProperty("offerId").GetString()!;
            var decisionId = d.GetProperty("decisionId").GetString();
            var ev = $$$"""[{"eventId":"lm-imp-{{{i}}}","identifiers":{"user_id":"lm"},"channel":"web","type":"offer_impression","timestamp":"{{{Now()}}}","properties":{"decisionId":"{{{decisionId}}}","offerId":"{{{offer}}}"}}]""";
            Assert.True((await c.PostAsync("/api/v1/events?wait=applied", Json(ev))).IsSuccessStatusCode);
            shown.Add(offer);
        }

        // Three impressions wait for their answer (web: 30 minutes); none has been answered.
        // The exporter serves a scrape from a short cache (and the gauge is read at collection): ask until it is current.
        var metrics = "";
        for (var i = 0; i < 50 && !System.Text.RegularExpressions.Regex.IsMatch(metrics, @"(?m)^pe_rewards_pending\{[^}]*\} 3$"); i++)
        {
            if (i > 0) await Task.Delay(100);
            metrics = await c.GetStringAsync("/metrics");
        }
        Assert.Matches(@"(?m)^pe_rewards_pending\{[^}]*\} 3$", metrics);
        Assert.Contains("pe_exploration_share", metrics, StringComparison.Ordinal);
        Assert.Contains("pe_offer_exploration_share", metrics, StringComparison.Ordinal);

        JsonElement stats = default;
        for (var i = 0; i < 50; i++)
        {
            stats = JsonDocument.Parse(await c.GetStringAsync($"/api/v1/offers/{shown[0]}/stats")).RootElement;
            if (stats.GetProperty("decisions").GetInt64() >= 1) break;
            await Task.Delay(100);
        }
        Assert.True(stats.GetProperty("decisions").GetInt64() >= 1);
        var share = stats.GetProperty("explorationShare").GetDouble();
        Assert.InRange(share, 0, 1);
        Assert.Equal(share, Math.Round((double)stats.GetProperty("explored").GetInt64() / stats.GetProperty("decisions").GetInt64(), 4), 4);
    }
}
