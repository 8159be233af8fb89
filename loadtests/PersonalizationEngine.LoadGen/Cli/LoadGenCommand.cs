using System.CommandLine;

namespace PersonalizationEngine.LoadGen.Cli;

/// <summary>
/// <c>pe-load &lt;scenario&gt; [options]</c> for each scenario, and
/// <c>pe-load compare --scenario S --target name=url ...</c> to run one scenario against several targets.
/// </summary>
public static class LoadGenCommand
{
    private static readonly Option<string> Url = new("--url") { Description = "Base URL of the target", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
    private static readonly Option<string?> Key = new("--key") { Description = "API key sent as Authorization: Bearer on native routes" };
    private static readonly Option<string?> WriteKey = new("--write-key") { Description = "Segment write key (Basic-auth user name) for /v1/batch" };
    private static readonly Option<double> Rate = new("--rate") { Description = "Open loop: requests/s (0 = closed loop with --concurrency workers)" };
    private static readonly Option<double> Duration = new("--duration") { Description = "Measured duration in seconds", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> Connections = new("--connections") { Description = "Max HTTP/1.1 connections", DefaultValueFactory = _ => 64 };
    private static readonly Option<int> Concurrency = new("--concurrency") { Description = "Closed loop: concurrent workers", DefaultValueFactory = _ => 64 };
    private static readonly Option<int> MaxInFlight = new("--max-in-flight") { Description = "Open loop: outstanding request bound; requests due beyond it are dropped and counted", DefaultValueFactory = _ => 10_000 };
    private static readonly Option<int> BatchSize = new("--batch-size") { Description = "Events per request (ingest 100, Segment SDKs typically 20)", DefaultValueFactory = _ => 100 };
    private static readonly Option<int> Customers = new("--customers") { Description = "Customer population", DefaultValueFactory = _ => 100_000 };
    private static readonly Option<double> Zipf = new("--zipf") { Description = "Zipf exponent of customer popularity", DefaultValueFactory = _ => 1.1 };
    private static readonly Option<bool> Sequential = new("--sequential") { Description = "Customers in order 1..n instead of Zipf draws: every event a new customer until n (memory runs with millions)" };
    private static readonly Option<double> QueryShare = new("--query-share") { Description = "Mixed/spike/soak: share of NBO queries", DefaultValueFactory = _ => 0.2 };
    private static readonly Option<double> Warmup = new("--warmup") { Description = "Warm-up seconds, not measured" };
    private static readonly Option<double> SpikeFactor = new("--spike-factor") { Description = "Spike: rate multiplier", DefaultValueFactory = _ => 10 };
    private static readonly Option<double> SpikeAt = new("--spike-at") { Description = "Spike: seconds before the step", DefaultValueFactory = _ => 10 };
    private static readonly Option<double> SpikeLength = new("--spike-length") { Description = "Spike: seconds at the higher rate", DefaultValueFactory = _ => 30 };
    private static readonly Option<double> SpeedUp = new("--speedup") { Description = "Replay: speed-up over the original timestamps", DefaultValueFactory = _ => 1000 };
    private static readonly Option<string> Dataset = new("--dataset") { Description = "Replay: Online Retail CSV(.gz)", DefaultValueFactory = _ => "../shared/datasets/online-retail.csv.gz" };
    private static readonly Option<string?> JsonOut = new("--json-out") { Description = "Write the JSON result here" };
    private static readonly Option<string?> PlotOut = new("--plot-out") { Description = "Write an SVG plot of throughput and p99 over time here" };
    private static readonly Option<bool> Quiet = new("--quiet") { Description = "No per-second progress lines" };
    private static readonly Option<string> CompareScenario = new("--scenario") { Description = "Scenario to run against each target", DefaultValueFactory = _ => "nbo" };
    private static readonly Option<string[]> Targets = new("--target") { Description = "name=url, repeat for each target (first is the reference)", Required = true, AllowMultipleArgumentsPerToken = true };

    private static readonly Option[] Common = [Url, Key, WriteKey, Rate, Duration, Connections, Concurrency, MaxInFlight, BatchSize, Customers, Zipf, Sequential, QueryShare, Warmup, SpikeFactor, SpikeAt, SpikeLength, SpeedUp, Dataset, JsonOut, PlotOut, Quiet];

    public static RootCommand Build(TextWriter? output = null)
    {
        var log = output ?? Console.Out;
        var root = new RootCommand("pe-load: HTTP load generator for the personalisation engine and its baselines");
        foreach (var scenario in ScenarioRunner.Scenarios)
        {
            var command = new Command(scenario, $"Run the {scenario} scenario");
            foreach (var option in Common)
            {
                command.Options.Add(option);
            }

            command.SetAction(async (parse, ct) =>
            {
                var report = await ScenarioRunner.RunAsync(Settings(parse, scenario, parse.GetValue(Url)!), log, ct).ConfigureAwait(false);
                return report.Completed > 0 ? 0 : 1;
            });
            root.Subcommands.Add(command);
        }

        var compare = new Command("compare", "Run one scenario against several targets and print a table with ratios");
        foreach (var option in Common.Where(o => o != Url && o != JsonOut && o != PlotOut))
        {
            compare.Options.Add(option);
        }

        compare.Options.Add(CompareScenario);
        compare.Options.Add(Targets);
        compare.Options.Add(JsonOut);
        compare.SetAction(async (parse, ct) =>
        {
            var rows = new List<(string, Reporting.RunReport)>();
            foreach (var target in parse.GetValue(Targets)!)
            {
                var eq = target.IndexOf('=', StringComparison.Ordinal);
                var (name, url) = eq > 0 ? (target[..eq], target[(eq + 1)..]) : (target, target);
                await log.WriteLineAsync($"== {name}: {url}").ConfigureAwait(false);
                var settings = Settings(parse, parse.GetValue(CompareScenario)!, url) with { JsonOut = null, PlotOut = null };
                rows.Add((name, await ScenarioRunner.RunAsync(settings, log, ct).ConfigureAwait(false)));
            }

            var table = CompareTable.Render(rows);
            await log.WriteLineAsync(table).ConfigureAwait(false);
            var jsonOut = parse.GetValue(JsonOut);
            if (jsonOut is not null)
            {
                var json = System.Text.Json.JsonSerializer.Serialize(rows.Select(r => new { target = r.Item1, report = r.Item2 }), Reporting.ReportJson.Options);
                await File.WriteAllTextAsync(jsonOut, json, ct).ConfigureAwait(false);
            }

            return 0;
        });
        root.Subcommands.Add(compare);
        return root;
    }

    private static RunSettings Settings(ParseResult p, string scenario, string url) => new()
    {
        Scenario = scenario,
        Url = new Uri(url),
        Key = p.GetValue(Key),
        WriteKey = p.GetValue(WriteKey),
        // Spike and soak only make sense at a constant arrival rate; default one if none given.
        Rate = p.GetValue(Rate) is > 0 and var r ? r : scenario is "spike" or "soak" ? 1000 : 0,
        // Without --duration: spike runs 10 s base + 30 s at 10x + 20 s after; soak runs 10 minutes.
        DurationSeconds = p.GetResult(Duration) is not null ? p.GetValue(Duration) : scenario switch { "spike" => 60, "soak" => 600, _ => p.GetValue(Duration) },
        Connections = p.GetValue(Connections),
        Concurrency = p.GetValue(Concurrency),
        MaxInFlight = p.GetValue(MaxInFlight),
        BatchSize = p.GetResult(BatchSize) is null && scenario == "segment-batch" ? 20 : p.GetValue(BatchSize),
        Customers = p.GetValue(Customers),
        Zipf = p.GetValue(Zipf),
        Sequential = p.GetValue(Sequential),
        QueryShare = p.GetValue(QueryShare),
        WarmupSeconds = p.GetValue(Warmup),
        SpikeFactor = p.GetValue(SpikeFactor),
        SpikeAtSeconds = p.GetValue(SpikeAt),
        SpikeLengthSeconds = p.GetValue(SpikeLength),
        SpeedUp = p.GetValue(SpeedUp),
        Dataset = p.GetValue(Dataset)!,
        JsonOut = p.GetValue(JsonOut),
        PlotOut = p.GetValue(PlotOut),
        Quiet = p.GetValue(Quiet),
    };
}
