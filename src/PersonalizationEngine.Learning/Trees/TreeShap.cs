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

    /// <summary>1/k for every path length k that can occur.</summary>
    private readonly double[] _inverse;

    private TreeShap(Node[][] trees, int players, int depth)
    {
        _trees = trees;
        Players = players;
        // One path segment per recursion level, of at most 1, 2, ..., depth + 1 elements.
        _scratch = (depth + 1) * (depth + 2) / 2;
        _inverse = [0, .. Enumerable.Range(1, depth + 2).Select(k => 1.0 / k)];
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
        var walk = new Walk(x, phi, scratch, _inverse);
        foreach (var nodes in _trees)
        {
            walk.Recurse(nodes, 0, 0, 0, 1, 1, -1);
        }
    }

    /// <summary>
    /// One row's walk over the trees. A path element's one fraction is always 0 or 1 (a product of "x goes this
    /// way" indicators), which lets every division of Algorithm 2 become a multiplication by a tabulated 1/k.
    /// </summary>
    private readonly ref struct Walk(ReadOnlySpan<float> x, Span<double> phi, Span<PathElement> scratch, double[] inverse)
    {
        private readonly ReadOnlySpan<float> _x = x;
        private readonly Span<double> _phi = phi;
        private readonly Span<PathElement> _scratch = scratch;
        private readonly double[] _inverse = inverse;

        /// <summary>
        /// Algorithm 2's RECURSE. The parent's path sits just before <paramref name="start"/> (its last
        /// <paramref name="length"/> elements); this level copies it, extends it with the split that led here and
        /// either credits the players at a leaf or descends.
        /// </summary>
        public void Recurse(Node[] nodes, int index, int start, int length, double zero, double one, int player)
        {
            var path = _scratch.Slice(start, length + 1);
            _scratch.Slice(start - length, length).CopyTo(path);
            Extend(path, length, zero, one, player);
            length++;
            ref readonly var node = ref nodes[index];
            if (node.Player < 0)
            {
                Credit(path, length, node.Value);
                return;
            }

            var goesLeft = _x[node.Feature] <= node.Threshold;
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
                Recurse(nodes, hot, start + length, length, incomingZero * hotShare, incomingOne, node.Player);
            }

            if (incomingZero * coldShare != 0)
            {
                Recurse(nodes, cold, start + length, length, incomingZero * coldShare, 0, node.Player);
            }
        }

        /// <summary>
        /// At a leaf, each split on the path (element 0 is the empty root element) gets its unwound weight times
        /// (one − zero) times the leaf value. For a split x did not take (one = 0) the unwound weight is a sum
        /// shared by all such splits divided by their zero fraction, so each of them is credited −sum · value.
        /// </summary>
        private void Credit(Span<PathElement> path, int length, double value)
        {
            var inverse = _inverse;
            var coldSum = double.NaN;
            for (var i = 1; i < length; i++)
            {
                ref readonly var e = ref path[i];
                double credit;
                if (e.One == 0)
                {
                    if (double.IsNaN(coldSum))
                    {
                        coldSum = 0;
                        for (var j = length - 2; j >= 0; j--)
                        {
                            coldSum += path[j].Weight * length * inverse[length - j - 1];
                        }
                    }

                    credit = -coldSum;
                }
                else
                {
                    // UNWIND's weights for a split x took, summed without changing the path. Only the update
                    // of next is a dependency chain, so it is one fused multiply-add per step.
                    var zero = e.Zero;
                    var next = path[length - 1].Weight;
                    var total = 0.0;
                    for (var j = length - 2; j >= 0; j--)
                    {
                        var over = inverse[j + 1];
                        total += next * over;
                        next = Math.FusedMultiplyAdd(-next, zero * (length - j - 1) * over, path[j].Weight);
                    }

                    credit = total * length * (1 - zero);
                }

                _phi[e.Player] += credit * value;
            }
        }

        /// <summary>
        /// EXTEND: adds a split with zero fraction <paramref name="zero"/> (share of the cover, the player left
        /// out) and one fraction <paramref name="one"/> (1 when x goes this way, the player put in), updating the
        /// weight of every coalition size.
        /// </summary>
        private void Extend(Span<PathElement> path, int length, double zero, double one, int player)
        {
            path[length] = new PathElement(player, zero, one, length == 0 ? 1 : 0);
            var inverse = _inverse[length + 1];
            for (var i = length - 1; i >= 0; i--)
            {
                path[i + 1].Weight += one * path[i].Weight * (i + 1) * inverse;
                path[i].Weight = zero * path[i].Weight * (length - i) * inverse;
            }
        }

        /// <summary>UNWIND: removes element <paramref name="k"/>, inverting the EXTEND that added it.</summary>
        private void Unwind(Span<PathElement> path, int length, int k)
        {
            var inverse = _inverse;
            var (zero, one) = (path[k].Zero, path[k].One);
            if (one != 0)
            {
                var next = path[length - 1].Weight;
                for (var j = length - 2; j >= 0; j--)
                {
                    var weight = path[j].Weight;
                    path[j].Weight = next * length * inverse[j + 1];
                    next = weight - (path[j].Weight * zero * (length - j - 1) * inverse[length]);
                }
            }
            else
            {
                var overZero = 1 / zero;
                for (var j = length - 2; j >= 0; j--)
                {
                    path[j].Weight = path[j].Weight * length * inverse[length - j - 1] * overZero;
                }
            }

            for (var j = k; j < length - 1; j++)
            {
                path[j].Player = path[j + 1].Player;
                path[j].Zero = path[j + 1].Zero;
                path[j].One = path[j + 1].One;
            }
        }
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
