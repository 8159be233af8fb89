namespace PersonalizationEngine.Grains.Tests;

/// <summary>Finds <c>shared/datasets</c> beside the repository root by walking up from the test's base directory.</summary>
internal static class SharedDatasets
{
    public static string Path(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "datasets", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/datasets/{file} not found above {AppContext.BaseDirectory}.");
    }
}
