using System.Globalization;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Learning.Models;

public sealed partial record ChurnModel
{
    private CompiledModel? _compiled;

    /// <summary>Derived lookups, built once per artefact (a model is immutable once loaded).</summary>
    private CompiledModel Compiled => _compiled ??= CompiledModel.Build(this);

    /// <summary>How tree reasons are attributed when the artefact allows TreeSHAP (see docs/evaluation.md).</summary>
    internal const ReasonAttribution DefaultAttribution = ReasonAttribution.ShapSlots;

    /// <summary>Reasons whose contributions differ by at most this share of Σ|contribution| count as tied.</summary>
    internal const double ReasonTieTolerance = 0;

    /// <summary>
    /// The probability and the reasons for a dense row, with a chosen attribution (the alternatives are kept
    /// for the stability measurement in the tests). Contributions are summed per group: a one-hot column's
    /// slots form one group, so "Contract" is one reason whichever slots the model split on.
    /// </summary>
    internal (double Probability, Reason[] Reasons) ScoreWithReasons(ReadOnlySpan<double> x, ReasonAttribution attribution, double tieTolerance)
    {
        var compiled = Compiled;
        var d = x.Length;
        var groups = compiled.GroupNames.Length;
        Span<double> sums = groups <= StackLimit ? stackalloc double[groups] : new double[groups];
        sums.Clear();
        double margin;
        if (attribution == ReasonAttribution.ShapColumns && compiled.ColumnShap is { } columns)
        {
            margin = Margin(x, [], withContributions: false);
            TreeContributions(x, columns, sums);
        }
        else
        {
            Span<double> contributions = d <= StackLimit ? stackalloc double[d] : new double[d];
            contributions.Clear();
            if (attribution == ReasonAttribution.ShapSlots && compiled.SlotShap is { } slots)
            {
                margin = Margin(x, [], withContributions: false);
                TreeContributions(x, slots, contributions);
            }
            else
            {
                margin = Margin(x, contributions, withContributions: true);
            }

            for (var j = 0; j < d; j++)
            {
                sums[compiled.GroupOf[j]] += contributions[j];
            }
        }

        return (Calibrate(margin), BuildReasons(x, sums, tieTolerance));
    }

    /// <summary>
    /// The largest positive group contributions first. With a tie tolerance, a group within that share of
    /// Σ|contribution| of the largest remaining one counts as tied with it, and ties go to the group that comes
    /// first in the artefact's feature order: a fixed order, so near-equal reasons do not swap between models.
    /// </summary>
    private Reason[] BuildReasons(ReadOnlySpan<double> x, ReadOnlySpan<double> sums, double tieTolerance)
    {
        var compiled = Compiled;
        var groups = sums.Length;
        var tie = 0.0;
        if (tieTolerance > 0)
        {
            foreach (var s in sums)
            {
                tie += Math.Abs(s);
            }

            tie *= tieTolerance;
        }

        // Partial selection of the k largest positive sums: k is tiny, so k passes beat a sort.
        Span<int> chosen = stackalloc int[Math.Min(ReasonCount, groups)];
        var count = 0;
        for (var k = 0; k < chosen.Length; k++)
        {
            var best = -1;
            for (var g = 0; g < groups; g++)
            {
                if (sums[g] > 1e-12 && (best < 0 || sums[g] > sums[best]) && !chosen[..count].Contains(g))
                {
                    best = g;
                }
            }

            if (best < 0)
            {
                break;
            }

            if (tie > 0)
            {
                for (var g = 0; g < best; g++)
                {
                    if (sums[g] > 1e-12 && sums[best] - sums[g] <= tie && !chosen[..count].Contains(g))
                    {
                        best = g;
                        break;
                    }
                }
            }

            chosen[count++] = best;
        }

        var reasons = new Reason[count];
        for (var k = 0; k < count; k++)
        {
            var g = chosen[k];
            reasons[k] = new Reason(compiled.GroupNames[g], sums[g], Describe(compiled, g, x));
        }

        return reasons;
    }

    private string Describe(CompiledModel compiled, int group, ReadOnlySpan<double> x)
    {
        var phrase = compiled.GroupPhrases[group];
        var slots = compiled.GroupSlots[group];
        if (compiled.GroupIsCategorical[group])
        {
            foreach (var j in slots)
            {
                if (x[j] >= 0.5)
                {
                    return $"{phrase}: {compiled.Levels[j]}";
                }
            }

            return $"{phrase}: none of the values seen in training";
        }

        var slot = slots[0];
        var value = x[slot];
        var mean = Means[slot];
        if (compiled.IsBinary[slot])
        {
            return $"{phrase}: {(value >= 0.5 ? "yes" : "no")}";
        }

        var side = value > mean ? "above" : value < mean ? "below" : "at";
        return string.Create(CultureInfo.InvariantCulture, $"{phrase}: {value:0.##}, {side} the typical {mean:0.##}");
    }

    /// <summary>Human words for a feature name: the artefact's description, else the name split into words.</summary>
    internal static string Humanise(string name)
    {
        var words = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-')
            {
                words.Append(' ');
            }
            else if (char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]))
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(i == 0 ? char.ToUpperInvariant(c) : c);
            }
        }

        return words.ToString();
    }

    private sealed class CompiledModel
    {
        public required int[] GroupOf { get; init; }

        public required string[] GroupNames { get; init; }

        public required string[] GroupPhrases { get; init; }

        public required bool[] GroupIsCategorical { get; init; }

        public required int[][] GroupSlots { get; init; }

        public required string?[] Levels { get; init; }

        public required bool[] IsBinary { get; init; }

        public required float[] Offsets { get; init; }

        public required float[] Scales { get; init; }

        /// <summary>The normalised training mean per feature: the zero point of a linear contribution.</summary>
        public required float[] MeanZ { get; init; }

        /// <summary>The trees, when every one stores its node cover (what TreeSHAP needs); else null.</summary>
        public RegressionTree[]? CoveredTrees { get; init; }

        /// <summary>TreeSHAP with one player per slot, built on first use (a race builds the same tables twice).</summary>
        public TreeShap? SlotShap => CoveredTrees is { } trees ? _slotShap ??= TreeShap.Build(trees, [.. Enumerable.Range(0, GroupOf.Length)], GroupOf.Length) : null;

        /// <summary>TreeSHAP with one player per group (a one-hot column is one player), built on first use.</summary>
        public TreeShap? ColumnShap => CoveredTrees is { } trees ? _columnShap ??= TreeShap.Build(trees, GroupOf, GroupNames.Length) : null;

        private TreeShap? _slotShap;

        private TreeShap? _columnShap;

        public static CompiledModel Build(ChurnModel model)
        {
            var d = model.FeatureNames.Length;
            var groupOf = new int[d];
            var levels = new string?[d];
            var names = new List<string>();
            var categorical = new List<bool>();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var j = 0; j < d; j++)
            {
                var name = model.FeatureNames[j];
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                var group = eq > 0 ? name[..eq] : name;
                levels[j] = eq > 0 ? name[(eq + 1)..] : null;
                if (!index.TryGetValue(group, out var g))
                {
                    g = names.Count;
                    index[group] = g;
                    names.Add(group);
                    categorical.Add(eq > 0);
                }

                groupOf[j] = g;
            }

            var offsets = new float[d];
            var scales = new float[d];
            var meanZ = new float[d];
            var binary = new bool[d];
            var flags = new HashSet<string>(model.Flags ?? [], StringComparer.Ordinal);
            for (var j = 0; j < d; j++)
            {
                offsets[j] = model.Offsets is { } o ? (float)o[j] : 0f;
                scales[j] = (float)model.Scales[j];
                meanZ[j] = ((float)model.Means[j] - offsets[j]) * scales[j];
                binary[j] = levels[j] is null && flags.Contains(model.FeatureNames[j]);
            }

            var shap = model.Kind == ChurnModelKind.GradientBoostedTrees && model.Trees is { Length: > 0 } trees && TreeShap.HasCover(trees);
            return new CompiledModel
            {
                GroupOf = groupOf,
                GroupNames = [.. names],
                GroupPhrases = [.. names.Select(n => model.Descriptions?.GetValueOrDefault(n) ?? Humanise(n))],
                GroupIsCategorical = [.. categorical],
                GroupSlots = [.. Enumerable.Range(0, names.Count).Select(g => Enumerable.Range(0, d).Where(j => groupOf[j] == g).ToArray())],
                Levels = levels,
                IsBinary = binary,
                Offsets = offsets,
                Scales = scales,
                MeanZ = meanZ,
                CoveredTrees = shap ? model.Trees : null,
            };
        }
    }
}
