using System.Globalization;
using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Datasets;

/// <summary>
/// Turns invoice lines into canonical events. Choice: ONE event per invoice (all its lines), because an
/// invoice is an order: frequency in RFM counts orders, not lines. A normal invoice becomes a <c>purchase</c>,
/// a cancellation ('C' invoice, negative quantities) a <c>refund</c> of the absolute amount. The customer is
/// identified by <c>crm_id</c>; channel web (an online retailer); currency GBP. Guest invoices have no
/// customer and produce no event (the caller counts them).
/// </summary>
public static class OnlineRetailEvents
{
    public static CustomerEvent? FromInvoice(IReadOnlyList<RetailLine> lines, bool includeItems = false)
    {
        var first = lines[0];
        if (first.CustomerId is null) return null;
        var total = lines.Sum(l => l.LineTotal);
        var props = new EventProperties()
            .Set("amount", first.IsCancellation ? -total : total)
            .Set("currency", "GBP")
            .Set("country", first.Country);
        if (includeItems)
        {
            foreach (var l in lines) props.Add(new LineItem { Sku = l.StockCode, Quantity = l.Quantity, UnitPrice = l.UnitPrice });
        }
        return new CustomerEvent
        {
            EventId = "invoice:" + first.InvoiceNo,
            Identifiers = new Dictionary<string, string> { ["crm_id"] = first.CustomerId },
            Channel = Channel.Web,
            Type = first.IsCancellation ? EventTypes.Refund : EventTypes.Purchase,
            Timestamp = first.InvoiceDate,
            ReceivedAt = first.InvoiceDate,
            Properties = props,
        };
    }

    /// <summary>Groups consecutive lines of the same invoice (the file is in invoice order).</summary>
    public static IEnumerable<List<RetailLine>> GroupInvoices(IEnumerable<RetailLine> lines)
    {
        List<RetailLine>? current = null;
        foreach (var line in lines)
        {
            if (current is not null && current[0].InvoiceNo != line.InvoiceNo) { yield return current; current = null; }
            (current ??= []).Add(line);
        }
        if (current is not null) yield return current;
    }

}
