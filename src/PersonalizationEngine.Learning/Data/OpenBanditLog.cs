using System.Globalization;

namespace PersonalizationEngine.Learning.Data;

/// <summary>
/// Reads <c>open-bandit/*/random.csv</c> or <c>bts.csv</c>: the first column is an unnamed row index, user
/// features are hashed strings, <c>user-item_affinity_k</c> are numbers, <c>position</c> is 1..3.
/// </summary>
public static class OpenBanditLog
{
    public static IReadOnlyList<OpenBanditRow> Read(string path)
    {
        var table = CsvReader.ReadFile(path);
        var item = table.IndexOf("item_id");
        var position = table.IndexOf("position");
        var click = table.IndexOf("click");
        var propensity = table.IndexOf("propensity_score");
        var timestamp = table.IndexOf("timestamp");
        var users = table.Columns.Select((c, i) => (c, i)).Where(t => t.c.StartsWith("user_feature_", StringComparison.Ordinal)).Select(t => t.i).ToArray();
        var affinities = table.Columns.Select((c, i) => (c, i)).Where(t => t.c.StartsWith("user-item_affinity_", StringComparison.Ordinal)).Select(t => t.i).ToArray();
        return table.Rows.Select(r => new OpenBanditRow(
            DateTimeOffset.Parse(r[timestamp], CultureInfo.InvariantCulture),
            int.Parse(r[item], CultureInfo.InvariantCulture),
            int.Parse(r[position], CultureInfo.InvariantCulture),
            int.Parse(r[click], CultureInfo.InvariantCulture),
            double.Parse(r[propensity], CultureInfo.InvariantCulture),
            users.Select(i => r[i]).ToArray(),
            affinities.Select(i => double.Parse(r[i], CultureInfo.InvariantCulture)).ToArray())).ToArray();
    }

    /// <summary>Item context file: item id → its features (first numeric, the rest hashed strings).</summary>
    public static IReadOnlyDictionary<int, string[]> ReadItems(string path)
    {
        var table = CsvReader.ReadFile(path);
        var item = table.IndexOf("item_id");
        return table.Rows.ToDictionary(r => int.Parse(r[item], CultureInfo.InvariantCulture), r => r.Skip(item + 1).ToArray());
    }
}
