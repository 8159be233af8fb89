using PersonalizationEngine.Baselines.Floor;
using PersonalizationEngine.Baselines.StatelessPg;

namespace PersonalizationEngine.Baselines;

/// <summary>Builds the baseline chosen by the first argument; the rest are ordinary ASP.NET Core arguments.</summary>
public static class BaselineHost
{
    public static WebApplication Build(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("floor" or "stateless-pg"))
        {
            throw new ArgumentException("first argument must be 'floor' or 'stateless-pg'", nameof(args));
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

        builder.Services.AddStatelessPg(builder.Configuration);
        var app = builder.Build();
        app.MapStatelessPgApi();
        return app;
    }
}
