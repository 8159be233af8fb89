using PersonalizationEngine.Learning.Bandits;
using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;

namespace PersonalizationEngine.Cli.Commands;

internal static class BanditEvaluation
{
    public static int Run(string logsPath, string? btsPath, int runs, int seed, double alpha, TextWriter output)
    {
        output.WriteLine($"Loading {logsPath} ...");
        var rows = OpenBanditLog.Read(logsPath);
        var arms = rows.Max(r => r.ItemId) + 1;
        var context = new OpenBanditContext(rows);
        var x = rows.Select(context.Encode).ToArray();
        var index = Enumerable.Range(0, rows.Count).ToArray();
        var logClicks = rows.Sum(r => r.Click);
        var randomCtr = Intervals.Wilson(logClicks, rows.Count);
        output.WriteLine($"{rows.Count} impressions, {logClicks} clicks, {arms} items, 3 slots; context dimension {context.Dimension} (intercept + one-hot user features + slot).");
        output.WriteLine($"Random logger CTR {randomCtr}");
        Estimate? btsCtr = null;
        if (btsPath is not null)
        {
            var bts = OpenBanditLog.Read(btsPath);
            btsCtr = Intervals.Wilson(bts.Sum(r => r.Click), bts.Count);
            output.WriteLine($"BTS logger CTR    {btsCtr}");
            var ipsOfRandomOnBts = OffPolicyEstimators.Ips(bts.Select(_ => 1.0 / arms).ToArray(), bts.Select(r => r.Propensity).ToArray(), bts.Select(r => (double)r.Click).ToArray());
            output.WriteLine($"  sanity: IPS estimate of the uniform policy from the BTS log {ipsOfRandomOnBts} (max weight {bts.Max(r => 1.0 / arms / r.Propensity):F0}: the exploding weights the dataset README warns about)");
        }

        var policies = new (string Name, BanditSettings Settings)[]
        {
            ("uniform random (replay sanity check)", new BanditSettings(BanditAlgorithm.EpsilonGreedy, arms, context.Dimension, Exploration: 1.0)),
            ("Beta-Bernoulli Thompson (context-free)", new BanditSettings(BanditAlgorithm.BetaBernoulliThompson, arms, context.Dimension)),
            ($"LinUCB α={alpha}", new BanditSettings(BanditAlgorithm.LinUcb, arms, context.Dimension, Exploration: alpha, PriorMean: 0.5)),
            ($"linear Thompson v={alpha}", new BanditSettings(BanditAlgorithm.LinearThompson, arms, context.Dimension, Exploration: alpha, PriorMean: 0.5)),
            ("epsilon-greedy ε=0.05", new BanditSettings(BanditAlgorithm.EpsilonGreedy, arms, context.Dimension, Exploration: 0.05, PriorMean: 0.5)),
        };

        var summary = new List<(string Mode, string Name, long Matched, long Clicks, Estimate Ips, Estimate Snips)>();
        foreach (var mode in new[] { "strict", "warm" })
        {
            output.WriteLine();
            output.WriteLine(mode == "strict"
                ? "== strict replay: each policy learns only from the rows it matched (Li et al. 2011)"
                : "== warm replay: each policy also learns from every earlier row of the uniform log (progressive validation; still scored only on matched rows)");
            foreach (var (name, settings) in policies)
            {
                long matched = 0, clicks = 0;
                var target = new List<double>();
                for (var run = 0; run < runs; run++)
                {
                    var random = new Random(seed + run);
                    var policy = new ContextualBandit(settings);
                    var learn = (int i) => policy.Update(rows[i].ItemId, x[i], rows[i].Click);
                    var result = ReplayEvaluator.Run(
                        index,
                        i => rows[i].ItemId,
                        i => rows[i].Click,
                        i =>
                        {
                            var arm = policy.Choose(x[i], random).Arm;
                            if (target.Count < rows.Count)
                            {
                                target.Add(arm == rows[i].ItemId ? 1 : 0);
                            }

                            return arm;
                        },
                        mode == "strict" ? learn : _ => { },
                        mode == "warm" ? learn : null);
                    matched += result.MatchedRows;
                    clicks += result.Rewards;
                }

                // IPS/SNIPS on the first run (one pass over one log, so the interval is honest): π is 1 when the
                // policy chose the logged item, p is the logged propensity (1/34).
                var rewards = rows.Select(r => (double)r.Click).ToArray();
                var propensities = rows.Select(r => r.Propensity).ToArray();
                var ips = OffPolicyEstimators.Ips(target, propensities, rewards);
                var snips = OffPolicyEstimators.SelfNormalisedIps(target, propensities, rewards);
                summary.Add((mode, name, matched, clicks, ips, snips));
                output.WriteLine($"  {name,-40} matched {matched / (double)runs,6:F0}/run  clicks {clicks / (double)runs,5:F1}/run  replay CTR {clicks / (double)matched,7:P3} | run 1: IPS {ips}  SNIPS {snips.Value:P3} [{snips.Lower:P3}, {snips.Upper:P3}]");
            }
        }

        output.WriteLine();
        output.WriteLine($"Summary: replay CTR pooled over {runs} runs (averages the policy's own randomness); the 95% intervals use one log's worth of data (pooled counts / {runs}), since the runs share the same clicks.");
        output.WriteLine($"{"mode",-7} {"policy",-40} {"replay CTR [95% CI, one log]",-34} {"lift vs random log [95% CI]",-30}");
        foreach (var (mode, name, matched, clicks, _, _) in summary)
        {
            // One log supports matched/runs rows: scale counts down so the interval is honest about the data.
            var perLogMatched = Math.Max(1, (long)Math.Round(matched / (double)runs));
            var perLogClicks = (long)Math.Round(clicks / (double)runs);
            var ctr = Intervals.Wilson(perLogClicks, perLogMatched);
            var ctrValue = clicks / (double)matched;
            var lift = Intervals.Ratio(perLogClicks, perLogMatched, logClicks, rows.Count);
            output.WriteLine($"{mode,-7} {name,-40} {ctrValue,7:P3} [{ctr.Lower:P3}, {ctr.Upper:P3}]   {ctrValue / randomCtr.Value,5:F2}x [{lift.Lower:F2}, {lift.Upper:F2}]");
        }

        output.WriteLine($"Random logger {randomCtr}; BTS logger {(btsCtr is null ? "n/a" : btsCtr.ToString())}; BTS/random {(btsCtr is null ? double.NaN : btsCtr.Value / randomCtr.Value):F2}x");
        return 0;
    }
}
