namespace PersonalizationEngine.Learning.Trees;

/// <summary>
/// Exact path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, "Consistent individualized feature attribution
/// for tree ensembles", Algorithm 2) over an exported tree ensemble. The value of a coalition S of players is
/// the path-dependent conditional expectation E[f(x) | x_S]: at a split on a player in S the row follows x, at
/// any other split both branches are taken, weighted by the share of training rows (the node cover) that went
/// each way. The Shapley values of that game are computed in O(leaves · depth²) per tree instead of 2^players
/// evaluations; they add up to f(x) minus the expected value (the cover-weighted mean, which is the root value
/// the exporter stores).
/// <para>
/// Players are features mapped through <c>playerOf</c>: the identity gives one Shapley value per slot, and
/// mapping a one-hot column's slots to one player makes the column a single player (its splits are then one
/// feature on a path, which Algorithm 2 handles by unwinding the earlier occurrence).
/// </para>
/// A node no training row reached splits its weight evenly between its children, as the exporter's node
/// values do, so the expected value stays the root value.
/// </summary>
internal sealed class TreeShap
{
    /// <summary>Path elements the stack holds before the scratch buffer moves to the heap (32 bytes each).</summary>
    private const int StackElements = 1024;

    private readonly Node[][] _trees;
    private readonly int _scratch;

    private TreeShap(Node[][] trees, int players, int depth)
    {
        _trees = trees;
        Players = players;
        // One path segment per recursion level, of at most 1, 2, ..., depth + 1 elements.
        _scratch = (depth + 1) * (depth + 2) / 2;
    }

    public int Players { get; }

    /// <summary>Whether every tree carries the training-row cover that TreeSHAP needs (artefacts before it did not).</summary>
    public static bool HasCover(IReadOnlyList<RegressionTree> trees) => trees.All(t => t.Cover is { } c && c.Length == t.Feature.Length);

    public static TreeShap Build(IReadOnlyList<RegressionTree> trees, ReadOnlySpan<int> playerOf, int players)
    {
        var compiled = new Node[trees.Count][];
        var depth = 0;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var cover = tree.Cover ?? throw new ArgumentException("TreeSHAP needs the training-row cover of every node.", nameof(trees));
            var nodes = new Node[tree.Feature.Length];
            var depths = new int[nodes.Length];
            for (var i = 0; i < nodes.Length; i++)
            {
                var feature = tree.Feature[i];
                if (feature < 0)
                {
                    nodes[i] = new Node(-1, -1, 0, -1, -1, 0, 0, tree.Value[i]);
                    depth = Math.Max(depth, depths[i]);
                    continue;
                }

                var (left, right) = (tree.Left[i], tree.Right[i]);
                var (leftShare, rightShare) = cover[i] > 0 ? (cover[left] / cover[i], cover[right] / cover[i]) : (0.5, 0.5);
                nodes[i] = new Node(feature, playerOf[feature], tree.Threshold[i], left, right, leftShare, rightShare, 0);
                // Children come after their parent (checked at load), so a forward sweep knows every depth in time.
                depths[left] = depths[right] = depths[i] + 1;
            }

            compiled[t] = nodes;
        }

        return new TreeShap(compiled, players, depth);
    }

    /// <summary>
    /// Adds each player's Shapley value (in the trees' output units) to <paramref name="phi"/>. Allocation-free
    /// for trees up to about 40 levels deep (the path scratch lives on the stack).
    /// </summary>
    public void AddContributions(ReadOnlySpan<float> x, Span<double> phi)
    {
        Span<PathElement> scratch = _scratch <= StackElements ? stackalloc PathElement[_scratch] : new PathElement[_scratch];
        foreach (var nodes in _trees)
        {
            Recurse(nodes, 0, x, phi, scratch, 0, 0, 1, 1, -1);
        }
    }

    /// <summary>
    /// Algorithm 2's RECURSE. The parent's path sits just before <paramref name="start"/> (its last
    /// <paramref name="length"/> elements); this level copies it, extends it with the split that led here and
    /// either credits the players at a leaf or descends.
    /// </summary>
    private static void Recurse(Node[] nodes, int index, ReadOnlySpan<float> x, Span<double> phi, Span<PathElement> scratch, int start, int length, double zero, double one, int player)
    {
        var path = scratch.Slice(start, length + 1);
        scratch.Slice(start - length, length).CopyTo(path);
        Extend(path, length, zero, one, player);
        length++;
        ref readonly var node = ref nodes[index];
        if (node.Player < 0)
        {
            // Element 0 is the empty root element; every other one is a split on the way here.
            for (var i = 1; i < length; i++)
            {
                ref readonly var e = ref path[i];
                phi[e.Player] += UnwoundSum(path, length, i) * (e.One - e.Zero) * node.Value;
            }

            return;
        }

        var goesLeft = x[node.Feature] <= node.Threshold;
        var (hot, hotShare, cold, coldShare) = goesLeft
            ? (node.Left, node.LeftShare, node.Right, node.RightShare)
            : (node.Right, node.RightShare, node.Left, node.LeftShare);
        double incomingZero = 1, incomingOne = 1;
        for (var k = 1; k < length; k++)
        {
            if (path[k].Player == node.Player)
            {
                // The player split earlier on this path: undo that split and fold its fractions into this one.
                (incomingZero, incomingOne) = (path[k].Zero, path[k].One);
                Unwind(path, length, k);
                length--;
                break;
            }
        }

        // A branch with both fractions zero adds nothing to any coalition's value (and would divide by zero).
        if (incomingZero * hotShare != 0 || incomingOne != 0)
        {
            Recurse(nodes, hot, x, phi, scratch, start + length, length, incomingZero * hotShare, incomingOne, node.Player);
        }

        if (incomingZero * coldShare != 0)
        {
            Recurse(nodes, cold, x, phi, scratch, start + length, length, incomingZero * coldShare, 0, node.Player);
        }
    }

    /// <summary>
    /// EXTEND: adds a split with zero fraction <paramref name="zero"/> (share of the cover, the player left
    /// out) and one fraction <paramref name="one"/> (1 when x goes this way, the player put in), updating the
    /// weight of every coalition size.
    /// </summary>
    private static void Extend(Span<PathElement> path, int length, double zero, double one, int player)
    {
        path[length] = new PathElement(player, zero, one, length == 0 ? 1 : 0);
        for (var i = length - 1; i >= 0; i--)
        {
            path[i + 1].Weight += one * path[i].Weight * (i + 1) / (length + 1);
            path[i].Weight = zero * path[i].Weight * (length - i) / (length + 1);
        }
    }

    /// <summary>UNWIND: removes element <paramref name="k"/>, inverting the EXTEND that added it.</summary>
    private static void Unwind(Span<PathElement> path, int length, int k)
    {
        var (zero, one) = (path[k].Zero, path[k].One);
        var next = path[length - 1].Weight;
        for (var j = length - 2; j >= 0; j--)
        {
            if (one != 0)
            {
                var weight = path[j].Weight;
                path[j].Weight = next * length / ((j + 1) * one);
                next = weight - (path[j].Weight * zero * (length - j - 1) / length);
            }
            else
            {
                path[j].Weight = path[j].Weight * length / (zero * (length - j - 1));
            }
        }

        for (var j = k; j < length - 1; j++)
        {
            path[j] = path[j + 1] with { Weight = path[j].Weight };
        }
    }

    /// <summary>The total weight UNWIND would leave for element <paramref name="k"/>, without changing the path.</summary>
    private static double UnwoundSum(ReadOnlySpan<PathElement> path, int length, int k)
    {
        var (zero, one) = (path[k].Zero, path[k].One);
        var next = path[length - 1].Weight;
        var total = 0.0;
        for (var j = length - 2; j >= 0; j--)
        {
            if (one != 0)
            {
                var weight = next * length / ((j + 1) * one);
                total += weight;
                next = path[j].Weight - (weight * zero * (length - j - 1) / length);
            }
            else
            {
                total += path[j].Weight * length / (zero * (length - j - 1));
            }
        }

        return total;
    }

    private struct PathElement(int player, double zero, double one, double weight)
    {
        public int Player = player;
        public double Zero = zero;
        public double One = one;
        public double Weight = weight;
    }

    /// <summary>A node with the slot and the player it splits on and its children's shares of its cover; a leaf has Player −1.</summary>
    private readonly record struct Node(int Feature, int Player, float Threshold, int Left, int Right, double LeftShare, double RightShare, double Value);
}
