using System.Text.RegularExpressions;

namespace PersonalizationEngine.Baselines.NaiveLogger;

/// <summary>
/// <c>--store sqlite --path FILE</c> or <c>--store postgres --ConnectionStrings:Postgres "..."</c>; <c>--key K</c> to accept only
/// that API key (any key otherwise); <c>--Baseline:Table</c> for the table name, validated because it is spliced into SQL.
/// </summary>
public sealed partial class NaiveLoggerOptions
{
    public string Store { get; set; } = "sqlite";

    public string Path { get; set; } = "naive-logger.db";

    public string ConnectionString { get; set; } = "";

    public string Table { get; set; } = "pe_naive_events";

    public string? Key { get; set; }

    public static NaiveLoggerOptions From(IConfiguration configuration)
    {
        var options = new NaiveLoggerOptions
        {
            Store = (configuration["store"] ?? configuration["Baseline:Store"] ?? "sqlite").ToLowerInvariant(),
            Path = configuration["path"] ?? configuration["Baseline:Path"] ?? "naive-logger.db",
            ConnectionString = configuration.GetConnectionString("Postgres") ?? "",
            Table = configuration["Baseline:Table"] ?? "pe_naive_events",
            Key = configuration["key"] ?? configuration["Baseline:Key"],
        };
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (Store is not ("sqlite" or "postgres"))
        {
            throw new InvalidOperationException($"{nameof(Store)} '{Store}' must be 'sqlite' or 'postgres' (--store).");
        }

        if (Store == "postgres" && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException("--store postgres needs ConnectionStrings:Postgres (env ConnectionStrings__Postgres).");
        }

        if (Store == "sqlite" && string.IsNullOrWhiteSpace(Path))
        {
            throw new InvalidOperationException("--store sqlite needs --path FILE.");
        }

        if (!TableName().IsMatch(Table))
        {
            throw new InvalidOperationException($"{nameof(Table)} '{Table}' must be a lower-case SQL identifier.");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex TableName();
}
