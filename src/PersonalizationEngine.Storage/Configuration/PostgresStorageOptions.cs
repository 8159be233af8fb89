using System.Text.RegularExpressions;

namespace PersonalizationEngine.Storage.Configuration;

/// <summary>PostgreSQL provider settings. The connection string is a secret: it is never logged or printed.</summary>
public sealed partial class PostgresStorageOptions
{
    /// <summary>Npgsql connection string (configuration key <c>ConnectionStrings:Postgres</c>).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Schema holding every table; tests use one per test class to stay isolated.</summary>
    public string Schema { get; set; } = "pe";

    public JournalOptions Journal { get; set; } = new();

    /// <summary>Redacted on purpose (Orleans marks its ADO.NET connection string [Redact] for the same reason).</summary>
    public override string ToString() => $"Postgres(schema={Schema}, connection string redacted)";

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new ArgumentException($"{nameof(ConnectionString)} is required for the PostgreSQL provider (configuration key ConnectionStrings:Postgres).", nameof(ConnectionString));
        }

        // The schema name is spliced into SQL text, so only plain identifiers are allowed.
        if (!SchemaName().IsMatch(Schema))
        {
            throw new ArgumentException($"{nameof(Schema)} must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters).", nameof(Schema));
        }

        Journal.Validate();
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
