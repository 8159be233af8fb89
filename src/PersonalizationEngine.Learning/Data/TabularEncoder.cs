using System.Globalization;

namespace PersonalizationEngine.Learning.Data;

/// <summary>
/// Turns raw cells into a numeric matrix. Everything data-dependent (which columns are numeric, the
/// one-hot vocabulary, the fill value for blanks) is learned in <see cref="Fit"/> so that cross-validation
/// can fit it on each fold's training rows only.
/// </summary>
public sealed class TabularEncoder
{
    private readonly List<ColumnPlan> _plans = [];

    public IReadOnlyList<string> FeatureNames { get; private set; } = [];

    public static TabularEncoder Fit(TabularData data, IReadOnlyCollection<string> inputColumns)
    {
        var encoder = new TabularEncoder();
        var names = new List<string>();
        foreach (var column in inputColumns)
        {
            var index = data.IndexOf(column);
            var numeric = true;
            double sum = 0;
            var count = 0;
            var vocabulary = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var row in data.Rows)
            {
                var cell = row[index].Trim();
                if (cell.Length == 0)
                {
                    continue;
                }

                vocabulary.Add(cell);
                if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    sum += v;
                    count++;
                }
                else
                {
                    numeric = false;
                }
            }

            // A numeric column with only two distinct values (e.g. SeniorCitizen 0/1) stays numeric.
            if (numeric && count > 0)
            {
                encoder._plans.Add(new ColumnPlan(index, column, sum / count, null));
                names.Add(column);
            }
            else
            {
                var levels = vocabulary.ToArray();
                encoder._plans.Add(new ColumnPlan(index, column, 0, levels));
                names.AddRange(levels.Select(l => $"{column}={l}"));
            }
        }

        encoder.FeatureNames = names;
        return encoder;
    }

    public double[][] Transform(TabularData data)
    {
        var result = new double[data.Rows.Count][];
        var width = FeatureNames.Count;
        for (var r = 0; r < result.Length; r++)
        {
            var row = data.Rows[r];
            var x = new double[width];
            var j = 0;
            foreach (var plan in _plans)
            {
                var cell = row[plan.Index].Trim();
                if (plan.Levels is null)
                {
                    // Blank numeric cells (Telco: TotalCharges for tenure 0) take the training mean.
                    x[j++] = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : plan.Mean;
                }
                else
                {
                    var level = Array.BinarySearch(plan.Levels, cell, StringComparer.Ordinal);
                    if (level >= 0)
                    {
                        x[j + level] = 1;
                    }

                    // Unseen levels (only in the validation fold) encode as all zeros.
                    j += plan.Levels.Length;
                }
            }

            result[r] = x;
        }

        return result;
    }

    private sealed record ColumnPlan(int Index, string Name, double Mean, string[]? Levels);
}
