using System.Diagnostics;
using Npgsql;

namespace PersonalizationEngine.Reliability.Tests;

/// <summary>The throwaway PostgreSQL cluster `tests/run.sh` starts (PE_TEST_POSTGRES, PE_TEST_PG_BIN, PE_TEST_PG_DATA).</summary>
internal static class Postgres
{
    public static string ConnectionString => Environment.GetEnvironmentVariable("PE_TEST_POSTGRES") is { Length: > 0 } c
        ? c
        : throw new InvalidOperationException("PE_TEST_POSTGRES is not set: run the tests through `bash tests/run.sh`, which starts a throwaway PostgreSQL.");

    public static string NewSchema() => $"pe_rel_{Guid.NewGuid():N}"[..30];

    public static Dictionary<string, string> EngineSettings(string schema) => new()
    {
        ["Storage__Provider"] = "Postgres",
        ["ConnectionStrings__Postgres"] = ConnectionString,
        ["Storage__Postgres__Schema"] = schema,
    };

    private static bool Root => Environment.UserName == "root";

    private static void Run(params string[] args)
    {
        var info = Root ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", .. args]) : new ProcessStartInfo(args[0], args[1..]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit(120_000);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(args[0])} {string.Join(' ', args[1..])} failed: {stderr.Result}");
    }

    private static string Bin => Environment.GetEnvironmentVariable("PE_TEST_PG_BIN") is { Length: > 0 } b
        ? b
        : throw new InvalidOperationException("PE_TEST_PG_BIN is not set: run the tests through `bash tests/run.sh`.");

    /// <summary>
    /// A private throwaway cluster (the outage test stops its database, which must not disturb the other test
    /// assemblies sharing the suite's cluster).
    /// </summary>
    public sealed class PrivateCluster : IDisposable
    {
        private readonly string _dir;

        public PrivateCluster()
        {
            _dir = Directory.CreateTempSubdirectory("pe-rel-pg-").FullName;
            if (Root) Process.Start("chown", ["postgres", _dir])!.WaitForExit();
            Port = EngineProcess.FreePort();
            Run(Path.Combine(Bin, "initdb"), "-D", Data, "-U", Root ? "postgres" : Environment.UserName, "--auth=trust", "-E", "UTF8");
            Start();
            ConnectionString = $"Host=127.0.0.1;Port={Port};Username={(Root ? "postgres" : Environment.UserName)};Database=postgres;Timeout=5;Command Timeout=15";
        }

        public int Port { get; }
        public string ConnectionString { get; }
        private string Data => Path.Combine(_dir, "data");

        public void Start() => Run(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-l", Path.Combine(_dir, "log"), "-w", "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1", "start");

        public void Stop() => Run(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-m", "fast", "-w", "stop");

        public void Dispose()
        {
            try { Run(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
            try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var ds = NpgsqlDataSource.Create(ConnectionString);
        await using var cmd = ds.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Every row of every table in the schema, as text (for scanning for personal data).</summary>
    public static async Task<string> DumpAsync(string schema)
    {
        await using var ds = NpgsqlDataSource.Create(ConnectionString);
        var tables = new List<string>();
        await using (var cmd = ds.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = $1"))
        {
            cmd.Parameters.AddWithValue(schema);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        }
        var sb = new System.Text.StringBuilder();
        foreach (var t in tables)
        {
            // Row text plus any bytea decoded as UTF-8/Latin-1, so JSON stored as bytes is searched too.
            await using var cmd = ds.CreateCommand($"SELECT t::text FROM \"{schema}\".\"{t}\" t");
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var text = r.GetString(0);
                sb.AppendLine(text);
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, @"\\x([0-9a-f]+)"))
                {
                    sb.AppendLine(System.Text.Encoding.Latin1.GetString(Convert.FromHexString(m.Groups[1].Value.Length % 2 == 0 ? m.Groups[1].Value : m.Groups[1].Value[..^1])));
                }
            }
        }
        return sb.ToString();
    }
}
