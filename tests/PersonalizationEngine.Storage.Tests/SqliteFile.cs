namespace PersonalizationEngine.Storage.Tests;

/// <summary>A throwaway database file per test class, deleted at the end with its WAL and shared-memory files.</summary>
public sealed class SqliteFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pe-tests", $"{Guid.NewGuid():N}", "engine.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
