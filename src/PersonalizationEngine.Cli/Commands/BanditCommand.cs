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
        return bandit;
    }
}
