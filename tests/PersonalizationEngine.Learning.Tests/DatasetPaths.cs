namespace PersonalizationEngine.Learning.Tests;

/// <summary>Finds <c>shared/datasets</c> beside the repository root by walking up from the test binaries.</summary>
internal static class DatasetPaths
{
    public static string Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "datasets", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"shared/datasets/{relative} not found above {AppContext.BaseDirectory}.");
    }
}
