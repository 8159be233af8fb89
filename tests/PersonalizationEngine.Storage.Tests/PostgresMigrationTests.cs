using Npgsql;

namespace PersonalizationEngine.Storage.Tests;

/// <summary>Re-applying the schema is a no-op (after Marten's Bug_4706 idempotent-migration regression test).</summary>
public sealed class PostgresMigrationTests(PostgresSchemaFixture fixture) : IClassFixture<PostgresSchemaFixture>
{
    [Fact]
    public async Task Applying_the_schema_twice_changes_nothing()
    {
        await using (var first = fixture.CreateProvider())
        {
            await first.InitializeAsync();
        }

        var before = await CatalogAsync();
        await using (var second = fixture.CreateProvider())
        {
            await second.InitializeAsync();
        }

        var after = await CatalogAsync();
        Assert.Contains(before, line => line.StartsWith("column journal.sequence", StringComparison.Ordinal));
        Assert.Contains(before, line => line.StartsWith("index journal_stream_sequence_pk", StringComparison.Ordinal));
        Assert.Equal(before, after);
        Assert.Equal(2, await ScalarAsync($"SELECT count(*) FROM \"{fixture.Schema}\".schema_migrations")); // 001_initial, 002_writer_epochs
    }

    [Fact]
    public async Task Concurrent_initialisations_do_not_fail()
    {
        // Its own schema: the point is several engines racing on a store nobody has created yet.
        var schema = $"pe_test_{Guid.NewGuid():N}"[..40];
        var providers = Enumerable.Range(0, 6).Select(_ => new Postgres.PostgresStorageProvider(new() { ConnectionString = fixture.ConnectionString, Schema = schema })).ToList();
        try
        {
            await Task.WhenAll(providers.Select(p => Task.Run(() => p.InitializeAsync())));
            Assert.Equal(2, await ScalarAsync($"SELECT count(*) FROM \"{schema}\".schema_migrations"));
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }

            await ScalarAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; SELECT 0");
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<string>> CatalogAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(fixture.ConnectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') || ' ' || is_identity
              FROM information_schema.columns WHERE table_schema = $1
            UNION ALL
            SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = $1
            UNION ALL
            SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(c.oid)
              FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1
            ORDER BY 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = fixture.Schema });
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
