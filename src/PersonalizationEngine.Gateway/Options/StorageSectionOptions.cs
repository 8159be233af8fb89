using Microsoft.Extensions.Options;

namespace PersonalizationEngine.Gateway.Options;

/// <summary>
/// The <c>Storage</c> section as the storage factory reads it (by hand, with <c>int.Parse</c>, while the host is
/// built), checked first so a wrong value names its key. <c>ConnectionStrings:Postgres</c> is a secret: its presence
/// is checked, its value never quoted.
/// </summary>
public sealed class StorageSectionOptions
{
    public const string Section = "Storage";

    public string Provider { get; set; } = "Sqlite";
    public SqliteSection Sqlite { get; set; } = new();
    public JournalSection Journal { get; set; } = new();

    public sealed class SqliteSection
    {
        public string Path { get; set; } = "data/engine.db";
        public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
    }

    public sealed class JournalSection
    {
        public int MaxBatchSize { get; set; } = 8192;
        public int QueueCapacity { get; set; } = 16384;
        public TimeSpan MaxBatchDelay { get; set; }
        public TimeSpan EnqueueTimeout { get; set; } = TimeSpan.FromSeconds(2);
    }

    internal sealed class Validator(IConfiguration configuration) : IValidateOptions<StorageSectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageSectionOptions o)
        {
            var postgres = string.Equals(o.Provider, "Postgres", StringComparison.OrdinalIgnoreCase);
            return new OptionsCheck(Section)
                .That(postgres || string.Equals(o.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase) || string.Equals(o.Provider, "Memory", StringComparison.OrdinalIgnoreCase),
                    nameof(Provider), $"must be Sqlite or Postgres (was '{o.Provider}').")
                .That(!postgres || !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres") ?? configuration["Storage:Postgres:ConnectionString"]),
                    "Provider", "is Postgres, so ConnectionStrings:Postgres is required.")
                .Positive("Sqlite:BusyTimeout", o.Sqlite.BusyTimeout)
                .Range("Journal:MaxBatchSize", o.Journal.MaxBatchSize, 1, 1_000_000)
                .Range("Journal:QueueCapacity", o.Journal.QueueCapacity, 1, 100_000_000)
                .That(o.Journal.MaxBatchDelay >= TimeSpan.Zero, "Journal:MaxBatchDelay", "must not be negative.")
                .Positive("Journal:EnqueueTimeout", o.Journal.EnqueueTimeout)
                .Result();
        }
    }
}
