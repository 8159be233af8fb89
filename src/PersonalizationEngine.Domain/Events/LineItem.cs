namespace PersonalizationEngine.Domain.Events;

/// <summary>One line of a purchase, refund or cart event.</summary>
public sealed record LineItem
{
    public string Sku { get; init; } = "";
    public string? Category { get; init; }
    public string? Brand { get; init; }
    public decimal Quantity { get; init; }
    public decimal UnitPrice { get; init; }
}
