namespace PersonalizationEngine.Baselines.StatelessPg;

/// <summary>Where the stateless baseline keeps its rows. The table name is validated because it is spliced into SQL.</summary>
public sealed class StatelessPgOptions
{
    public string ConnectionString { get; set; } = "";

    public string Table { get; set; } = "pe_baseline_customers";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException($"{nameof(ConnectionString)} is required: set ConnectionStrings:Postgres (env ConnectionStrings__Postgres).");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(Table, "^[a-z_][a-z0-9_]{0,62}$"))
        {
            throw new InvalidOperationException($"{nameof(Table)} '{Table}' must be a lower-case SQL identifier.");
        }
    }
}
