namespace PersonalizationEngine.Domain.Events;

/// <summary>
/// The canonical, standardised event (issue 3). Produced by <see cref="EventStandardizer"/>; identifiers are
/// already normalised (e-mail lower case, phone E.164). Property names used by the domain: <c>amount</c>,
/// <c>currency</c>, <c>rating</c>, <c>category</c>, <c>brand</c>, <c>items</c> (purchase lines), for
/// profile_update any string is an attribute, for consent_change <c>purpose</c>, <c>granted</c> (1/0) and
/// optionally <c>consent_channel</c>.
/// </summary>
public sealed record CustomerEvent
{
    public required string EventId { get; init; }
    public required IReadOnlyDictionary<string, string> Identifiers { get; init; }
    public Channel Channel { get; init; }
    public required string Type { get; init; }
    public DateTimeOffset Timestamp { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public EventProperties Properties { get; init; } = new();

    /// <summary>Purchase/refund amount: the <c>amount</c> property, or the sum of the lines.</summary>
    public decimal Amount =>
        Properties.Number("amount")
        ?? Properties.Items?.Sum(i => Math.Abs(i.Quantity) * i.UnitPrice)
        ?? 0m;
}
