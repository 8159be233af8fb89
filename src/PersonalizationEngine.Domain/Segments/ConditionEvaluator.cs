using System.Globalization;

namespace PersonalizationEngine.Domain.Segments;

/// <summary>Interprets a condition tree against a context. A missing feature or attribute makes a comparison false.</summary>
public static class ConditionEvaluator
{
    public static bool Evaluate(Condition condition, IConditionContext context)
    {
        switch (condition)
        {
            case AllCondition all:
                foreach (var c in all.Children)
                {
                    if (!Evaluate(c, context)) return false;
                }
                return true;
            case AnyCondition any:
                foreach (var c in any.Children)
                {
                    if (Evaluate(c, context)) return true;
                }
                return false;
            case NotCondition not:
                return !Evaluate(not.Child, context);
            case LeafCondition leaf:
                return EvaluateLeaf(leaf, context);
            default:
                return false;
        }
    }

    private static bool EvaluateLeaf(LeafCondition leaf, IConditionContext context)
    {
        switch (leaf.Source)
        {
            case LeafSource.Segment:
                return Flag(leaf, context.IsInSegment(leaf.Name));
            case LeafSource.Consent:
                return Flag(leaf, context.HasConsent(leaf.Name));
            case LeafSource.Feature:
                if (!context.TryGetFeature(leaf.Name, out var number)) return leaf.Op == ConditionOp.NotIn;
                return leaf.Op == ConditionOp.Exists || CompareNumber(number, leaf);
            default:
                var text = context.GetAttribute(leaf.Name);
                if (text is null) return leaf.Op is ConditionOp.NotIn or ConditionOp.Ne;
                if (leaf.Op == ConditionOp.Exists) return true;
                if (leaf.Number is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                    return CompareNumber(n, leaf);
                return CompareText(text, leaf);
        }
    }

    private static bool Flag(LeafCondition leaf, bool actual) => leaf.Op switch
    {
        ConditionOp.Ne => actual != (leaf.Flag ?? true),
        _ => actual == (leaf.Flag ?? true),
    };

    private static bool CompareNumber(double x, LeafCondition leaf)
    {
        if (leaf.Op is ConditionOp.In or ConditionOp.NotIn)
        {
            var found = leaf.List!.Any(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v == x);
            return found == (leaf.Op == ConditionOp.In);
        }
        if (leaf.Number is not { } y) return false;
        return leaf.Op switch
        {
            ConditionOp.Eq => x == y,
            ConditionOp.Ne => x != y,
            ConditionOp.Lt => x < y,
            ConditionOp.Le => x <= y,
            ConditionOp.Gt => x > y,
            ConditionOp.Ge => x >= y,
            _ => false,
        };
    }

    private static bool CompareText(string x, LeafCondition leaf)
    {
        // Attribute text compares case-insensitively: "gb" and "GB" are the same country to a marketer.
        var cmp = StringComparer.OrdinalIgnoreCase;
        return leaf.Op switch
        {
            ConditionOp.In => leaf.List!.Contains(x, cmp),
            ConditionOp.NotIn => !leaf.List!.Contains(x, cmp),
            ConditionOp.Contains => leaf.Text is { } t && x.Contains(t, StringComparison.OrdinalIgnoreCase),
            ConditionOp.Eq => cmp.Equals(x, leaf.Text ?? leaf.Flag?.ToString()),
            ConditionOp.Ne => !cmp.Equals(x, leaf.Text ?? leaf.Flag?.ToString()),
            ConditionOp.Lt => leaf.Text is { } a && cmp.Compare(x, a) < 0,
            ConditionOp.Le => leaf.Text is { } b && cmp.Compare(x, b) <= 0,
            ConditionOp.Gt => leaf.Text is { } c && cmp.Compare(x, c) > 0,
            ConditionOp.Ge => leaf.Text is { } d && cmp.Compare(x, d) >= 0,
            _ => false,
        };
    }
}
