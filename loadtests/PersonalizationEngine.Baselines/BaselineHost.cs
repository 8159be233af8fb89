using PersonalizationEngine.Baselines.Floor;
using PersonalizationEngine.Baselines.NaiveLogger;
using PersonalizationEngine.Baselines.StatelessPg;

namespace PersonalizationEngine.Baselines;

/// <summary>Builds the baseline chosen by the first argument; the rest are ordinary ASP.NET Core arguments.</summary>
public static class BaselineHost
{
    public static WebApplication Build(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("floor" or "stateless-pg" or "naive-logger"))
        {
            throw new ArgumentException("first argument must be 'floor', 'stateless-pg' or 'naive-logger'", nameof(args));
        }

        var builder = WebApplication.CreateSlimBuilder(args[1..]);
        // Logging per request would measure the console, not the server.
        builder.Logging.ClearProviders();
        if (args[0] == "floor")
        {
            var floor = builder.Build();
            floor.MapFloorApi();
            return floor;
        }

        if (args[0] == "naive-logger")
        {
            builder.Services.AddNaiveLogger(builder.Configuration);
            var logger = builder.Build();
            logger.MapNaiveLoggerApi();
            return logger;
        }

        builder.Services.AddStatelessPg(builder.Configuration);
        var app = builder.Build();
        app.MapStatelessPgApi();
        return app;
    }
}
