namespace PersonalizationEngine.Domain.Datasets;

/// <summary>
/// The direct RFM calculation from raw lines, independent of the event pipeline: the oracle that tests the
/// profile's features against. Frequency = distinct non-cancellation invoices, monetary = sum of
/// quantity x price over all lines (cancellations are negative), recency from the last purchase invoice.
/// </summary>
public static class RfmOracle
{
    public static RfmResult Compute(IEnumerable<RetailLine> customerLines, DateTimeOffset asOf)
    {
        var invoices = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? last = null;
        var monetary = 0m;
        foreach (var l in customerLines)
        {
            monetary += l.LineTotal;
            if (l.IsCancellation) continue;
            invoices.Add(l.InvoiceNo);
            if (last is null || l.InvoiceDate > last) last = l.InvoiceDate;
        }
        return new RfmResult(last is null ? double.NaN : (asOf - last.Value).TotalDays, invoices.Count, monetary);
    }
}
