using System.CommandLine;

namespace PersonalizationEngine.Cli.Commands;

/// <summary><c>pe churn evaluate|train</c>: churn models on tabular data (IBM Telco layout).</summary>
public static class ChurnCommand
{
    public static Command Create()
    {
        var churn = new Command("churn", "Train and evaluate churn-risk models.");
        churn.Subcommands.Add(CreateEvaluate());
        churn.Subcommands.Add(CreateTrain());
        churn.Subcommands.Add(CreateRetail());
        return churn;
    }

    private static Command CreateEvaluate()
    {
        var data = new Option<FileInfo>("--data") { Description = "CSV with a Churn (Yes/No) column.", Required = true };
        var folds = new Option<int>("--folds") { Description = "Number of stratified folds.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for the fold split and subsampling.", DefaultValueFactory = _ => 42 };
        var raw = new Option<bool>("--no-engineered") { Description = "Use only the raw columns (no derived features)." };
        var learners = new Option<string[]>("--learners") { Description = "lr, gbt (FastTree, nested CV), gbt-defaults (FastTree at ML.NET defaults).", DefaultValueFactory = _ => ["lr", "gbt", "gbt-defaults"], AllowMultipleArgumentsPerToken = true };
        learners.AcceptOnlyFromAmong("lr", "gbt", "gbt-defaults");
        var command = new Command("evaluate", "Stratified k-fold cross-validation of ML.NET logistic regression and FastTree (nested CV for its settings).");
        command.Options.Add(data);
        command.Options.Add(folds);
        command.Options.Add(seed);
        command.Options.Add(raw);
        command.Options.Add(learners);
        command.SetAction(parse => ChurnEvaluation.Run(
            parse.GetRequiredValue(data).FullName, parse.GetValue(folds), parse.GetValue(seed), !parse.GetValue(raw), parse.GetRequiredValue(learners), Spectre.Console.AnsiConsole.Console));
        return command;
    }

    private static Command CreateTrain()
    {
        var data = new Option<FileInfo>("--data") { Description = "CSV with a Churn (Yes/No) column.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the model artefact (JSON); the ML.NET zip goes next to it (.mlnet.zip).", DefaultValueFactory = _ => new FileInfo("models/churn-telco.json") };
        var model = new Option<string>("--model") { Description = "lr (ML.NET logistic regression) or gbt (ML.NET FastTree, settings by CV).", DefaultValueFactory = _ => "lr" };
        var seed = new Option<int>("--seed") { Description = "Seed for folds and trainers.", DefaultValueFactory = _ => 42 };
        model.AcceptOnlyFromAmong("lr", "gbt");
        var command = new Command("train", "Fit a churn model on all rows and write the versioned artefact.");
        command.Options.Add(data);
        command.Options.Add(output);
        command.Options.Add(model);
        command.Options.Add(seed);
        command.SetAction(parse => ChurnTraining.Run(
            parse.GetRequiredValue(data).FullName, parse.GetRequiredValue(output).FullName, parse.GetRequiredValue(model), parse.GetValue(seed), Spectre.Console.AnsiConsole.Console));
        return command;
    }

    private static Command CreateRetail()
    {
        var data = new Option<FileInfo>("--data") { Description = "online-retail.csv.gz", DefaultValueFactory = _ => new FileInfo("../shared/datasets/online-retail.csv.gz") };
        var folds = new Option<int>("--folds") { Description = "Number of stratified folds.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for the fold split.", DefaultValueFactory = _ => 42 };
        var output = new Option<FileInfo?>("--out") { Description = "Also write the best model, trained on every customer (e.g. models/churn.json; ML.NET zip next to it)." };
        var command = new Command("retail", "Churn on Online Retail: features from replaying the events before the last 90 days through the grains; CV against a recency-only baseline.");
        command.Options.Add(data);
        command.Options.Add(folds);
        command.Options.Add(seed);
        command.Options.Add(output);
        command.SetAction((parse, ct) => RetailChurn.RunAsync(parse.GetRequiredValue(data).FullName, parse.GetValue(folds), parse.GetValue(seed), parse.GetValue(output)?.FullName, Console.Out, ct));
        return command;
    }
}
