namespace PersonalizationEngine.Learning.Trees;

/// <summary>Grows one tree depth-first from gradient/Hessian histograms over pre-binned features.</summary>
internal sealed class TreeBuilder(byte[][] bins, double[][] edges, double[] gradient, double[] hessian, GbtOptions options)
{
    private readonly List<int> _feature = [];
    private readonly List<double> _threshold = [];
    private readonly List<int> _left = [];
    private readonly List<int> _right = [];
    private readonly List<double> _value = [];

    public RegressionTree Build(int[] rows)
    {
        Grow(rows, 0);
        return new RegressionTree([.. _feature], [.. _threshold], [.. _left], [.. _right], [.. _value]);
    }

    private int Grow(int[] rows, int depth)
    {
        double g = 0, h = 0;
        foreach (var i in rows)
        {
            g += gradient[i];
            h += hessian[i];
        }

        var node = _feature.Count;
        _feature.Add(-1);
        _threshold.Add(0);
        _left.Add(-1);
        _right.Add(-1);
        _value.Add(-g / (h + options.L2) * options.LearningRate);
        if (depth >= options.MaxDepth || rows.Length < 2 * options.MinSamplesLeaf)
        {
            return node;
        }

        var parentScore = g * g / (h + options.L2);
        var bestGain = 1e-9;
        var bestFeature = -1;
        var bestBin = -1;
        var histG = new double[256];
        var histH = new double[256];
        var histN = new int[256];
        for (var j = 0; j < bins.Length; j++)
        {
            var binCount = edges[j].Length + 1;
            if (binCount < 2)
            {
                continue;
            }

            Array.Clear(histG, 0, binCount);
            Array.Clear(histH, 0, binCount);
            Array.Clear(histN, 0, binCount);
            var column = bins[j];
            foreach (var i in rows)
            {
                var b = column[i];
                histG[b] += gradient[i];
                histH[b] += hessian[i];
                histN[b]++;
            }

            double gl = 0, hl = 0;
            var nl = 0;
            for (var b = 0; b < binCount - 1; b++)
            {
                gl += histG[b];
                hl += histH[b];
                nl += histN[b];
                var nr = rows.Length - nl;
                if (nl < options.MinSamplesLeaf || nr < options.MinSamplesLeaf)
                {
                    continue;
                }

                var gr = g - gl;
                var hr = h - hl;
                var gain = gl * gl / (hl + options.L2) + gr * gr / (hr + options.L2) - parentScore;
                if (gain > bestGain)
                {
                    bestGain = gain;
                    bestFeature = j;
                    bestBin = b;
                }
            }
        }

        if (bestFeature < 0)
        {
            return node;
        }

        var split = bins[bestFeature];
        var leftRows = rows.Where(i => split[i] <= bestBin).ToArray();
        var rightRows = rows.Where(i => split[i] > bestBin).ToArray();
        _feature[node] = bestFeature;
        _threshold[node] = edges[bestFeature][bestBin];
        _left[node] = Grow(leftRows, depth + 1);
        _right[node] = Grow(rightRows, depth + 1);
        return node;
    }
}
