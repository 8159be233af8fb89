namespace PersonalizationEngine.Learning.Data;

/// <summary>
/// Context vector for a logged impression: intercept, one-hot user features (vocabulary taken from the log's
/// user features only, never from clicks) and one-hot slot position, so a disjoint per-item model learns
/// position effects too.
/// </summary>
public sealed class OpenBanditContext
{
    private readonly Dictionary<string, int>[] _vocabulary;
    private readonly int _positionOffset;

    public OpenBanditContext(IEnumerable<OpenBanditRow> rows, int positions = 3)
    {
        var list = rows.ToList();
        var featureCount = list[0].UserFeatures.Length;
        _vocabulary = new Dictionary<string, int>[featureCount];
        var next = 1;
        for (var f = 0; f < featureCount; f++)
        {
            _vocabulary[f] = [];
            foreach (var value in list.Select(r => r.UserFeatures[f]).Distinct().Order(StringComparer.Ordinal))
            {
                _vocabulary[f][value] = next++;
            }
        }

        _positionOffset = next;
        Dimension = next + positions;
    }

    public int Dimension { get; }

    public double[] Encode(OpenBanditRow row)
    {
        var x = new double[Dimension];
        x[0] = 1;
        for (var f = 0; f < _vocabulary.Length; f++)
        {
            if (_vocabulary[f].TryGetValue(row.UserFeatures[f], out var index))
            {
                x[index] = 1;
            }
        }

        x[_positionOffset + row.Position - 1] = 1;
        return x;
    }
}
