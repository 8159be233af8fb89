using PersonalizationEngine.Baselines;

// pe-baseline floor|stateless-pg [--urls http://127.0.0.1:5100] [--ConnectionStrings:Postgres "..."]
// pe-baseline naive-logger --store sqlite --path FILE | --store postgres --ConnectionStrings:Postgres "..." [--key KEY] [--urls ...]
await using var app = BaselineHost.Build(args);
await app.RunAsync().ConfigureAwait(false);
