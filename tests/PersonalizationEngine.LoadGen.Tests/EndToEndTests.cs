using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using PersonalizationEngine.Baselines;
using PersonalizationEngine.LoadGen.Cli;

namespace PersonalizationEngine.LoadGen.Tests;

/// <summary>Short runs of the real CLI against the floor baseline on a free loopback port: checks the tool works, not the figures.</summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private WebApplication? _floor;

    private string Url => _floor!.Urls.First();

    public async Task InitializeAsync()
    {
        _floor = BaselineHost.Build(["floor", "--urls", "http://127.0.0.1:0"]);
        await _floor.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _floor!.StopAsync();
        await _floor.DisposeAsync();
    }

    [Theory]
    [InlineData("nbo", "--rate", "300", 200)]
    [InlineData("mixed", "--rate", "300", 200)]
    [InlineData("ingest", "--concurrency", "4", 202)]
    [InlineData("segment-batch", "--concurrency", "4", 202)]
    public async Task Cli_run_against_the_floor_writes_a_report_plot_and_json(string scenario, string modeOption, string modeValue, int expectedStatus)
    {
        var dir = Directory.CreateTempSubdirectory("pe-load-");
        try
        {
            var json = Path.Combine(dir.FullName, "r.json");
            var svg = Path.Combine(dir.FullName, "r.svg");
            var output = new StringWriter();
            var exit = await LoadGenCommand.Build(output)
                .Parse([scenario, "--url", Url, modeOption, modeValue, "--duration", "1.5", "--connections", "4", "--batch-size", "10", "--customers", "1000", "--json-out", json, "--plot-out", svg])
                .InvokeAsync();

            Assert.Equal(0, exit);
            Assert.Contains("latency ms: p50", output.ToString(), StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            var root = doc.RootElement;
            Assert.Equal(scenario, root.GetProperty("scenario").GetString());
            Assert.True(root.GetProperty("completed").GetInt64() > 0);
            Assert.True(root.GetProperty("statusCounts").GetProperty(expectedStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetInt64() > 0);
            Assert.Equal(0, root.GetProperty("errors").GetInt64());
            Assert.True(root.GetProperty("latencyMs").GetProperty("max").GetDouble() > 0);
            Assert.NotNull(System.Xml.Linq.XDocument.Load(svg).Root);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Replay_streams_the_online_retail_file_as_purchase_events()
    {
        var dataset = DatasetPath();
        var output = new StringWriter();
        var json = Path.GetTempFileName();
        try
        {
            // 1.5 s at 100,000x covers about 41 hours of the shop's trading.
            var exit = await LoadGenCommand.Build(output)
                .Parse(["replay", "--url", Url, "--dataset", dataset, "--speedup", "100000", "--duration", "1.5", "--batch-size", "50", "--json-out", json])
                .InvokeAsync();
            Assert.Equal(0, exit);
            using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal("open-loop", doc.RootElement.GetProperty("mode").GetString());
            Assert.True(doc.RootElement.GetProperty("events").GetInt64() > 1000, output.ToString());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Compare_prints_a_table_with_a_row_per_target()
    {
        var output = new StringWriter();
        var exit = await LoadGenCommand.Build(output)
            .Parse(["compare", "--scenario", "nbo", "--target", $"a={Url}", "--target", $"b={Url}", "--duration", "1", "--concurrency", "2", "--connections", "2", "--quiet"])
            .InvokeAsync();
        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("| a |", text, StringComparison.Ordinal);
        Assert.Contains("| b |", text, StringComparison.Ordinal);
        Assert.Contains("1.00x", text, StringComparison.Ordinal);
    }

    internal static string DatasetPath()
    {
        // Tests run from bin/…; the shared data sits beside the repository (../shared from the repo root).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "datasets", "online-retail.csv.gz");
            if (File.Exists(candidate) && Directory.Exists(Path.Combine(dir.FullName, "loadtests")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new FileNotFoundException("../shared/datasets/online-retail.csv.gz not found above the test directory");
    }
}
