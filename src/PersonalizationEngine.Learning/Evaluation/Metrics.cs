namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>Binary classification metrics computed exactly (no thresholds grid).</summary>
public static class Metrics
{
    /// <summary>
    /// ROC AUC as the Mann–Whitney statistic: P(score of a positive > score of a negative), ties count one half.
    /// Computed from average ranks, so tied scores get the mid-rank.
    /// </summary>
    public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumPositives = 0;
        long positives = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            var midRank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]] == 1)
                {
                    rankSumPositives += midRank;
                    positives++;
                }
            }

            i = j + 1;
        }

        long negatives = order.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// Average precision (area under the precision–recall curve as a step function, as scikit-learn computes it):
    /// sum over distinct thresholds of (recall gain) × precision. Tied scores form one threshold.
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var totalPositives = labels.Count(l => l == 1);
        if (totalPositives == 0)
        {
            return double.NaN;
        }

        double ap = 0;
        var truePositives = 0;
        var seen = 0;
        var previousRecall = 0.0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]])
            {
                truePositives += labels[order[j]];
                seen++;
                j++;
            }

            var recall = (double)truePositives / totalPositives;
            var precision = (double)truePositives / seen;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j;
        }

        return ap;
    }

    /// <summary>Mean negative log-likelihood; probabilities clipped to [1e-15, 1 - 1e-15].</summary>
    public static double LogLoss(IReadOnlyList<double> probabilities, IReadOnlyList<int> labels)
    {
        double sum = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-15, 1 - 1e-15);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / probabilities.Count;
    }

    public static double Brier(IReadOnlyList<double> probabilities, IReadOnlyList<int> labels)
    {
        double sum = 0;
        for (var i = 0; i < probabilities.Count; i++)
        {
            var e = probabilities[i] - labels[i];
            sum += e * e;
        }

        return sum / probabilities.Count;
    }

    /// <summary>Equal-count bins by predicted probability (deciles by default): mean predicted vs observed rate.</summary>
    public static IReadOnlyList<CalibrationBin> CalibrationTable(IReadOnlyList<double> probabilities, IReadOnlyList<int> labels, int bins = 10)
    {
        var order = Enumerable.Range(0, probabilities.Count).OrderBy(i => probabilities[i]).ToArray();
        var result = new List<CalibrationBin>(bins);
        for (var b = 0; b < bins; b++)
        {
            var start = (int)((long)b * order.Length / bins);
            var end = (int)((long)(b + 1) * order.Length / bins);
            if (end <= start)
            {
                continue;
            }

            double predicted = 0;
            double observed = 0;
            for (var k = start; k < end; k++)
            {
                predicted += probabilities[order[k]];
                observed += labels[order[k]];
            }

            var count = end - start;
            result.Add(new CalibrationBin(b + 1, count, predicted / count, observed / count));
        }

        return result;
    }

    /// <summary>Expected calibration error: count-weighted mean |predicted − observed| over the bins.</summary>
    public static double ExpectedCalibrationError(IReadOnlyList<CalibrationBin> table)
    {
        var total = table.Sum(b => b.Count);
        return table.Sum(b => b.Count * Math.Abs(b.MeanPredicted - b.ObservedRate)) / total;
    }
}
