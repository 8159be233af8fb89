using System.CommandLine;

namespace PersonalizationEngine.Cli.Commands;

/// <summary><c>pe bandit evaluate</c>: off-policy evaluation of the engine's bandits on Open Bandit logs.</summary>
public static class BanditCommand
{
    public static Command Create()
    {
        var bandit = new Command("bandit", "Evaluate next-best-offer bandit policies on logged data.");
        var logs = new Option<FileInfo>("--logs") { Description = "Uniform-random log (open-bandit/men/random.csv).", Required = true };
        var bts = new Option<FileInfo?>("--bts") { Description = "Optional log of the Bernoulli Thompson sampling policy (bts.csv)." };
        var runs = new Option<int>("--runs") { Description = "Replay runs per policy with different seeds (averages out the policy's own randomness).", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Base seed.", DefaultValueFactory = _ => 42 };
        var alpha = new Option<double>("--alpha") { Description = "LinUCB α / Thompson v.", DefaultValueFactory = _ => 0.1 };
        var evaluate = new Command("evaluate", "Replay (Li et al. 2011), IPS and SNIPS estimates with 95% intervals.");
        evaluate.Options.Add(logs);
        evaluate.Options.Add(bts);
        evaluate.Options.Add(runs);
        evaluate.Options.Add(seed);
        evaluate.Options.Add(alpha);
        evaluate.SetAction(parse => BanditEvaluation.Run(
            parse.GetRequiredValue(logs).FullName, parse.GetValue(bts)?.FullName, parse.GetValue(runs), parse.GetValue(seed), parse.GetValue(alpha), Console.Out));
        bandit.Subcommands.Add(evaluate);
        bandit.Subcommands.Add(Live());
        bandit.Subcommands.Add(LiveConfig());
        return bandit;
    }

    private static Option<string> Scenario()
    {
        var scenario = new Option<string>("--scenario") { Description = "synthetic (a population with a known optimal policy) or open-bandit (the random log, replay method).", DefaultValueFactory = _ => "synthetic" };
        scenario.AcceptOnlyFromAmong("synthetic", "open-bandit");
        return scenario;
    }

    /// <summary><c>pe bandit live</c>: the replay harness against a running engine, through its HTTP API only.</summary>
    private static Command Live()
    {
        var scenario = Scenario();
        var url = new Option<string>("--url") { Description = "The engine's address.", DefaultValueFactory = _ => "http://localhost:5000" };
        var key = new Option<string?>("--key") { Description = "An admin API key (else PE_ADMIN_KEY)." };
        var logs = new Option<FileInfo>("--logs") { Description = "Open Bandit random log.", DefaultValueFactory = _ => new FileInfo("../shared/datasets/open-bandit/men/random.csv") };
        var decisions = new Option<int>("--decisions") { Description = "Synthetic: decisions to make.", DefaultValueFactory = _ => 20_000 };
        var customers = new Option<int>("--customers") { Description = "Synthetic: customers in the population (each visits repeatedly).", DefaultValueFactory = _ => 2_000 };
        var block = new Option<int>("--block") { Description = "Synthetic: decisions per row of the learning curve (the last block is the verdict).", DefaultValueFactory = _ => 2_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent clients.", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "Seed of the population and the clicks.", DefaultValueFactory = _ => 42 };
        var live = new Command("live", "Drive a running engine through its HTTP API (profile_update -> next-best-offer -> impression/click) and report its policy's value with 95% intervals next to uniform random and the best single offer.");
        foreach (var o in new Option[] { scenario, url, key, logs, decisions, customers, block, concurrency, seed }) live.Options.Add(o);
        live.SetAction(async (parse, ct) =>
        {
            var adminKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable("PE_ADMIN_KEY");
            if (string.IsNullOrEmpty(adminKey))
            {
                await Console.Error.WriteLineAsync("An admin key is needed: --key or PE_ADMIN_KEY.");
                return 2;
            }
            using var http = LiveReplay.Client(parse.GetRequiredValue(url), adminKey);
            var harness = new LiveReplay(http, Spectre.Console.AnsiConsole.Console);
            return parse.GetRequiredValue(scenario) == "synthetic"
                ? await harness.SyntheticAsync(parse.GetValue(decisions), parse.GetValue(customers), parse.GetValue(concurrency), parse.GetValue(seed), parse.GetValue(block), Console.Out, ct)
                : await harness.OpenBanditAsync(parse.GetRequiredValue(logs).FullName, parse.GetValue(concurrency), Console.Out, ct);
        });
        return live;
    }

    /// <summary><c>pe bandit live-config</c>: the engine's <c>Decisioning:Context</c> for a scenario, as environment variables.</summary>
    private static Command LiveConfig()
    {
        var scenario = Scenario();
        var logs = new Option<FileInfo>("--logs") { Description = "Open Bandit random log (its user-feature values become the one-hot vocabulary).", DefaultValueFactory = _ => new FileInfo("../shared/datasets/open-bandit/men/random.csv") };
        var config = new Command("live-config", "Print the Decisioning:Context the live scenario needs (KEY=VALUE lines, environment-variable form).");
        config.Options.Add(scenario);
        config.Options.Add(logs);
        config.SetAction(parse =>
        {
            var lines = parse.GetRequiredValue(scenario) == "synthetic" ? LivePopulation.EngineContext() : LiveReplay.OpenBanditContext(parse.GetRequiredValue(logs).FullName);
            foreach (var (k, v) in lines) Console.WriteLine($"{k}={v}");
            return 0;
        });
        return config;
    }
}
