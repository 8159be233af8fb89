using PersonalizationEngine.LoadGen.Cli;

return await LoadGenCommand.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
