namespace PersonalizationEngine.Domain.Datasets;

/// <summary>One invoice line of the UCI Online Retail file. <see cref="CustomerId"/> is null for guest rows.</summary>
public sealed record RetailLine(
    string InvoiceNo,
    string StockCode,
    string Description,
    int Quantity,
    DateTimeOffset InvoiceDate,
    decimal UnitPrice,
    string? CustomerId,
    string Country)
{
    /// <summary>Cancellations: InvoiceNo starts with 'C' (and the quantity is negative).</summary>
    public bool IsCancellation => InvoiceNo.StartsWith('C');

    public decimal LineTotal => Quantity * UnitPrice;
}
