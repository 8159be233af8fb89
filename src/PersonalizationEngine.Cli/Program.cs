using System.CommandLine;
using PersonalizationEngine.Cli.Commands;

// Redirected output (CI logs, docs) gets wide tables instead of Spectre's 80-column fallback.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Console.Profile.Width = 160;
}

var root = new RootCommand("PersonalizationEngine command line: training, evaluation and data replay.");
root.Subcommands.Add(ChurnCommand.Create());
root.Subcommands.Add(BanditCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
return root.Parse(args).Invoke();
