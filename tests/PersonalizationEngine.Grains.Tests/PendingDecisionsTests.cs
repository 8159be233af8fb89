using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Offers;

namespace PersonalizationEngine.Grains.Tests;

public sealed class PendingDecisionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static PendingDecision Decision(int n, string? id = null) =>
        new(id ?? DecisionService.NewDecisionId(), [$"offer-{n}"], Context(n), T0.AddMinutes(n), control: false);

    private static double[] Context(int n) => [.. Enumerable.Range(0, OfferContext.Size).Select(i => n + i / 100.0)];

    [Fact]
    public void The_context_is_the_size_the_inline_store_expects()
    {
        Assert.Equal(OfferContext.Size, OfferContext.Names.Length);
        Assert.Equal(OfferContext.Size, OfferContext.Build(new Dictionary<string, double>(), "web").Length);
    }

    [Fact]
    public void Keeps_decisions_oldest_first_and_replaces_the_oldest_when_full()
    {
        var pending = new PendingDecisions(4);
        for (var n = 1; n <= 6; n++) pending.Add(Decision(n));

        Assert.Equal(4, pending.Count);
        Assert.Equal(["offer-3", "offer-4", "offer-5", "offer-6"], Enumerable.Range(0, 4).Select(i => pending[i].LeadOffer));
        Assert.Equal(Context(3), pending[0].ContextArray());
        Assert.Equal(T0.AddMinutes(6), pending[3].At);
    }

    [Fact]
    public void Finds_engine_ids_and_foreign_ids_and_gives_them_back_unchanged()
    {
        var pending = new PendingDecisions(16);
        var engineId = DecisionService.NewDecisionId();
        pending.Add(Decision(1, engineId));
        pending.Add(Decision(2, "campaign-42"));
        pending.Add(Decision(3, "dec_not-a-guid"));

        Assert.Equal(0, pending.IndexOf(engineId));
        Assert.Equal(engineId, pending[0].DecisionId);
        Assert.Equal(1, pending.IndexOf("campaign-42"));
        Assert.Equal("campaign-42", pending[1].DecisionId);
        Assert.Equal(2, pending.IndexOf("dec_not-a-guid"));
        Assert.Equal(-1, pending.IndexOf(DecisionService.NewDecisionId()));
        Assert.Equal(-1, pending.IndexOf(engineId.ToUpperInvariant().Replace("DEC_", "dec_", StringComparison.Ordinal) + "0"));
    }

    [Fact]
    public void Removes_from_the_front_and_the_middle_and_updates_slots_in_place()
    {
        var pending = new PendingDecisions(4);
        for (var n = 1; n <= 5; n++) pending.Add(Decision(n)); // ring wrapped: 2, 3, 4, 5
        pending[1].Converted = true;

        pending.RemoveAt(0);
        Assert.Equal(["offer-3", "offer-4", "offer-5"], Enumerable.Range(0, pending.Count).Select(i => pending[i].LeadOffer));
        Assert.True(pending[0].Converted);

        pending.RemoveAt(1);
        Assert.Equal(["offer-3", "offer-5"], Enumerable.Range(0, pending.Count).Select(i => pending[i].LeadOffer));

        pending.Add(Decision(6));
        pending.Add(Decision(7));
        pending.Add(Decision(8));
        Assert.Equal(["offer-5", "offer-6", "offer-7", "offer-8"], Enumerable.Range(0, pending.Count).Select(i => pending[i].LeadOffer));
        Assert.Throws<ArgumentOutOfRangeException>(() => pending[4].At);

        pending.Clear();
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void Keeps_every_offer_of_a_multi_offer_decision_and_none_of_an_empty_one()
    {
        var pending = new PendingDecisions(2);
        pending.Add(new PendingDecision("d1", ["a", "b", "c"], Context(1), T0, control: false));
        pending.Add(new PendingDecision("d2", [], Context(2), T0, control: true));

        Assert.Equal("a", pending[0].LeadOffer);
        Assert.Null(pending[1].LeadOffer);
        Assert.True(pending[1].Control);
    }

    [Fact]
    public void When_full_a_decision_never_shown_makes_room_before_any_shown_one()
    {
        var pending = new PendingDecisions(3);
        pending.Add(Decision(1));
        pending[0].Impressed = ["offer-1"];
        pending.Add(Decision(2)); // never shown
        pending.Add(Decision(3));
        pending[2].Impressed = ["offer-3"];

        Assert.False(pending.Add(Decision(4), out _));
        Assert.Equal(["offer-1", "offer-3", "offer-4"], Enumerable.Range(0, pending.Count).Select(i => pending[i].LeadOffer));
    }

    [Fact]
    public void When_every_decision_was_shown_the_oldest_leaves_and_is_handed_back_with_its_open_rewards()
    {
        var pending = new PendingDecisions(2);
        pending.Add(Decision(1));
        pending[0].Impressed = ["offer-1", "extra"];
        pending[0].Answered = ["extra"];
        pending.Add(Decision(2));
        pending[1].Impressed = ["offer-2"];

        Assert.True(pending.Add(Decision(3), out var evicted));
        Assert.Equal("offer-1", evicted.LeadOffer);
        Assert.Equal(1, evicted.Unanswered); // "extra" was answered; "offer-1" still waits for its reward
        Assert.Equal(Context(1), evicted.ContextArray());
        Assert.Equal(["offer-2", "offer-3"], Enumerable.Range(0, pending.Count).Select(i => pending[i].LeadOffer));
    }

    [Fact]
    public void A_context_longer_than_the_inline_store_is_kept_whole()
    {
        double[] context = [.. Enumerable.Range(0, 40).Select(i => i / 7.0)];
        var pending = new PendingDecisions(2);
        pending.Add(new PendingDecision("d", ["a"], context, T0, control: false));
        Assert.Equal(context, pending[0].ContextArray());
        Assert.Equal(40, pending[0].ContextLength);
    }
}
