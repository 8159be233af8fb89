namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// Quantile binning fitted on training rows: each feature gets at most <c>maxBins</c> bins whose upper edges
/// are raw values, so a split "bin ≤ b" is the raw test "x ≤ edge[b]" and the fitted trees score raw features.
/// </summary>
public sealed class FeatureBinner
{
    private FeatureBinner(double[][] edges) => Edges = edges;

    public double[][] Edges { get; }

    public static FeatureBinner Fit(IReadOnlyList<double[]> rows, int maxBins)
    {
        var d = rows[0].Length;
        var edges = new double[d][];
        var column = new double[rows.Count];
        for (var j = 0; j < d; j++)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                column[i] = rows[i][j];
            }

            Array.Sort(column);
            var cuts = new SortedSet<double>();
            for (var b = 1; b < maxBins; b++)
            {
                var v = column[(int)((long)b * (column.Length - 1) / maxBins)];
                // The largest value needs no edge: everything above the last edge is the top bin.
                if (v < column[^1])
                {
                    cuts.Add(v);
                }
            }

            edges[j] = [.. cuts];
        }

        return new FeatureBinner(edges);
    }

    public byte[][] Transform(IReadOnlyList<double[]> rows)
    {
        var result = new byte[rows[0].Length][];
        for (var j = 0; j < result.Length; j++)
        {
            var e = Edges[j];
            var bins = new byte[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                var index = Array.BinarySearch(e, rows[i][j]);
                bins[i] = (byte)(index >= 0 ? index : ~index);
            }

            result[j] = bins;
        }

        return result;
    }
}
