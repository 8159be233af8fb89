using System.Text.Json.Nodes;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>
/// The gateway process runs with the runtime configuration it ships (its runtimeconfig.json): server GC without dynamic
/// adaptation (docs/benchmarks.md, "Garbage collector settings for NBO latency"), as the garbage collector itself reports it on
/// <c>GET /api/v1/cluster</c>. Only a real process shows this: the test host runs inside the test runner's runtime and
/// its configuration.
/// </summary>
public sealed class RuntimeConfigurationTests
{
    [Fact]
    public async Task The_gateway_process_runs_with_its_shipped_garbage_collector_settings_and_reports_them()
    {
        var runtime = await RuntimeReportAsync();
        Assert.True(runtime["serverGc"]!.GetValue<bool>());
        Assert.False(runtime["dynamicAdaptation"]!.GetValue<bool>());
        Assert.Null(runtime["gen0BudgetBytes"]);
        Assert.Equal(Environment.ProcessorCount, runtime["processors"]!.GetValue<int>());
        Assert.StartsWith(".NET 10", runtime["framework"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(runtime["gcHeaps"]!.GetValue<int>() >= 1);
        Assert.True(runtime["gen0Collections"]!.GetValue<int>() >= runtime["gen1Collections"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_operator_s_environment_overrides_the_shipped_settings_and_the_report_says_so()
    {
        var runtime = await RuntimeReportAsync(("DOTNET_GCgen0size", "0x2000000"), ("DOTNET_GCDynamicAdaptationMode", "1"));
        Assert.Equal(32L * 1024 * 1024, runtime["gen0BudgetBytes"]!.GetValue<long>());
        Assert.True(runtime["dynamicAdaptation"]!.GetValue<bool>());
    }

    /// <summary>Starts the gateway process on the embedded store with <paramref name="environment"/> added; returns its runtime report.</summary>
    private static async Task<JsonNode> RuntimeReportAsync(params (string Name, string Value)[] environment)
    {
        var dir = Directory.CreateTempSubdirectory("pe-runtime-");
        var settings = EngineProcess.SqliteSettings(dir);
        foreach (var (name, value) in environment) settings[name] = value;
        var engine = await EngineProcess.StartAsync(settings);
        try
        {
            using var http = engine.Client();
            return JsonNode.Parse(await http.GetStringAsync("/api/v1/cluster"))!["runtime"]!;
        }
        finally
        {
            await engine.DisposeAsync();
            try { dir.Delete(true); } catch (IOException) { }
        }
    }
}
