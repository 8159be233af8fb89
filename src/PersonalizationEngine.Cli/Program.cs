using System.CommandLine;
using PersonalizationEngine.Cli.Commands;

var root = new RootCommand("PersonalizationEngine command line: training, evaluation and data replay.");
root.Subcommands.Add(ChurnCommand.Create());
root.Subcommands.Add(BanditCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
return root.Parse(args).Invoke();
