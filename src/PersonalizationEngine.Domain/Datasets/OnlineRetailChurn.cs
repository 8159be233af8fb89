namespace PersonalizationEngine.Domain.Datasets;

/// <summary>
/// The churn label used on Online Retail: a customer who bought before <c>cutoff</c> churned when they made no
/// purchase (cancellations do not count) from the cutoff to the end of the data. Customers with no purchase
/// before the cutoff are not labelled (nothing to predict from).
/// </summary>
public static class OnlineRetailChurn
{
    public static Dictionary<string, int> Labels(IEnumerable<RetailLine> lines, DateTimeOffset cutoff)
    {
        var before = new HashSet<string>(StringComparer.Ordinal);
        var after = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in lines)
        {
            if (l.CustomerId is null || l.IsCancellation) continue;
            (l.InvoiceDate < cutoff ? before : after).Add(l.CustomerId);
        }
        return before.ToDictionary(c => c, c => after.Contains(c) ? 0 : 1, StringComparer.Ordinal);
    }
}
