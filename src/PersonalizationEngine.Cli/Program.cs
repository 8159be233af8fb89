using System.CommandLine;

var root = new RootCommand("PersonalizationEngine command line: training, evaluation and data replay.");
return root.Parse(args).Invoke();
