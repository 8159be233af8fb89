using System.Reflection;

namespace PersonalizationEngine.Storage;

/// <summary>A numbered schema script embedded in this assembly (Sql/&lt;dialect&gt;/NNN_name.sql).</summary>
internal sealed record Migration(string Id, string Sql)
{
    /// <summary>All scripts of one dialect ordered by their number prefix.</summary>
    public static IReadOnlyList<Migration> Load(string dialect)
    {
        var assembly = typeof(Migration).Assembly;
        var prefix = $"PersonalizationEngine.Storage.Sql.{dialect}.";
        var result = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            // %(RecursiveDir) keeps the folder separator of the build machine; normalise it to dots.
            var normalised = name.Replace('/', '.').Replace('\\', '.');
            if (!normalised.StartsWith(prefix, StringComparison.Ordinal) || !normalised.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing resource {name}.");
            using var reader = new StreamReader(stream);
            result.Add(new Migration(normalised[prefix.Length..^4], reader.ReadToEnd()));
        }

        if (result.Count == 0)
        {
            throw new InvalidOperationException($"No embedded migrations found for {dialect}.");
        }

        return result.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
    }
}
