using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>The engine on a throwaway SQLite file (deleted on dispose), with the admin key and the given settings.</summary>
public class SqliteEngineFactory(IReadOnlyDictionary<string, string> settings, Action<IWebHostBuilder>? configure = null) : WebApplicationFactory<Program>
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-gw-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:AdminKey", DataApiTests.Admin);
        builder.UseSetting("Storage:Provider", "Sqlite");
        builder.UseSetting("Storage:Sqlite:Path", Path.Combine(_dir, "engine.db"));
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        configure?.Invoke(builder);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
