using PersonalizationEngine.Domain.Datasets;

namespace PersonalizationEngine.Domain.Tests.Datasets;

public sealed class OnlineRetailChurnTests
{
    private static readonly DateTimeOffset Cutoff = new(2011, 9, 10, 0, 0, 0, TimeSpan.Zero);

    private static RetailLine Line(string invoice, string? customer, int daysFromCutoff, int quantity = 1) =>
        new(invoice, "SKU", "thing", quantity, Cutoff.AddDays(daysFromCutoff), 2.5m, customer, "United Kingdom");

    [Fact]
    public void Labels_churn_as_no_purchase_from_the_cutoff_on_ignoring_cancellations_and_guests()
    {
        var labels = OnlineRetailChurn.Labels([
            Line("1", "stays", -30), Line("2", "stays", 10),            // bought before and after: not churned
            Line("3", "leaves", -30),                                   // bought before only: churned
            Line("4", "cancels", -30), Line("C5", "cancels", 5, -1),    // only a cancellation after: churned
            Line("6", "new", 3),                                        // first purchase after the cutoff: not labelled
            Line("7", null, -3),                                        // guest: not labelled
            Line("8", "edge", -1), Line("9", "edge", 0),                // a purchase exactly at the cutoff counts as after
        ], Cutoff);
        Assert.Equal(new Dictionary<string, int> { ["stays"] = 0, ["leaves"] = 1, ["cancels"] = 1, ["edge"] = 0 }, labels);
    }
}
