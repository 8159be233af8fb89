using System.Text.Json;
using System.Xml.Linq;
using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Reporting;

namespace PersonalizationEngine.LoadGen.Tests;

public sealed class ReportTests
{
    private static RunReport SampleReport()
    {
        var r = new RunRecorder();
        for (var i = 0; i < 100; i++)
        {
            r.OnSent();
            r.OnCompleted(new SendOutcome(i % 10 == 0 ? 503 : 200, i % 20 == 0), 1000 + i, 20);
        }

        r.OnSent();
        r.OnCompleted(SendOutcome.TransportError, 5, 20);
        r.Tick();
        r.Tick();
        return RunReport.From("mixed", "open-loop", "http://x/", DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(2), r);
    }

    [Fact]
    public void Json_report_has_the_documented_shape()
    {
        using var doc = JsonDocument.Parse(ReportJson.Serialize(SampleReport()));
        var root = doc.RootElement;
        foreach (var name in new[] { "scenario", "mode", "url", "startedAt", "durationSeconds", "sent", "completed", "dropped", "events", "requestsPerSecond", "eventsPerSecond", "statusCounts", "errors", "retryAfterPresent", "retryAfterMissing", "latencyMs", "seconds" })
        {
            Assert.True(root.TryGetProperty(name, out _), $"missing '{name}'");
        }

        foreach (var name in new[] { "p50", "p90", "p99", "p999", "max" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty("latencyMs").GetProperty(name).ValueKind);
        }

        Assert.Equal(90, root.GetProperty("statusCounts").GetProperty("200").GetInt64());
        Assert.Equal(10, root.GetProperty("statusCounts").GetProperty("503").GetInt64());
        Assert.Equal(1, root.GetProperty("statusCounts").GetProperty("transport").GetInt64());
        Assert.Equal(5, root.GetProperty("retryAfterPresent").GetInt64());
        Assert.Equal(5, root.GetProperty("retryAfterMissing").GetInt64());
        Assert.Equal(1800, root.GetProperty("events").GetInt64());
        Assert.Equal(2, root.GetProperty("seconds").GetArrayLength());
        Assert.Equal("mixed", ReportJson.Deserialize(root.GetRawText())!.Scenario);
    }

    [Fact]
    public void Svg_plot_is_well_formed_xml_with_both_series()
    {
        using var stream = new MemoryStream();
        SvgPlot.Write(stream, "spike <&> test", SampleReport().Seconds);
        stream.Position = 0;
        var svg = XDocument.Load(stream);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Equal(2, svg.Descendants(ns + "polyline").Count());
    }

    [Fact]
    public void Svg_plot_of_an_empty_run_is_still_well_formed()
    {
        using var stream = new MemoryStream();
        SvgPlot.Write(stream, "empty", []);
        stream.Position = 0;
        Assert.NotNull(XDocument.Load(stream).Root);
    }
}
