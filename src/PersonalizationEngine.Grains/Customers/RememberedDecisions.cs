using System.Runtime.CompilerServices;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Decisioning;

namespace PersonalizationEngine.Grains.Customers;

/// <summary>An offer of a remembered decision: the numbers of its score (the reasons' text is rebuilt from them when asked).</summary>
internal readonly record struct RememberedOffer(string OfferId, double Score, double Propensity, double ContextWeight, double Value, double Lever);

/// <summary>The offers of a remembered decision kept inline (a request's usual limit is 1 to 3).</summary>
[InlineArray(Size)]
internal struct RememberedOfferBuffer
{
    public const int Size = 3;

    private RememberedOffer _element;
}

/// <summary>
/// What the console shows of one decision (id, time, channel, placement, control, offers with their score breakdown,
/// number of exclusions), as a value: keeping the answer itself (its records, lists, reason and trace strings: about
/// 1.6 KB a decision) made every decision's answer live until five more decisions for the same customer, long enough
/// to be promoted and die in the old generation at the full decision rate.
/// </summary>
internal struct RememberedDecision
{
    private Guid _id;
    private string? _otherId;
    private RememberedOfferBuffer _inline;
    private RememberedOffer[]? _spill;
    private byte _count;

    public DateTimeOffset At;
    public string Channel;
    public string? Placement;
    public bool Control;
    public int Excluded;

    public RememberedDecision(Contracts.DecisionView decision, string channel, string? placement, DateTimeOffset at)
    {
        if (!PendingDecision.TryParseId(decision.DecisionId, out _id)) _otherId = decision.DecisionId;
        At = at;
        Channel = channel;
        Placement = placement is null ? null : SharedStrings.Share(placement);
        Control = decision.Control;
        var excluded = 0;
        for (var i = 0; i < decision.Trace.Count; i++)
        {
            if (!decision.Trace[i].Passed) excluded++;
        }
        Excluded = excluded;
        var offers = decision.Offers;
        _count = (byte)Math.Min(offers.Count, byte.MaxValue);
        Span<RememberedOffer> into = _count <= RememberedOfferBuffer.Size ? _inline : (_spill = new RememberedOffer[_count]);
        for (var i = 0; i < _count; i++)
        {
            var o = offers[i];
            into[i] = new RememberedOffer(o.OfferId, o.Score, o.Propensity, o.ContextWeight, o.Value, o.Lever);
        }
    }

    public readonly string DecisionId => _otherId ?? PendingDecision.FormatId(_id);

    public readonly int OfferCount => _count;

    public readonly RememberedOffer Offer(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
        return _spill is { } spill ? spill[index] : _inline[index];
    }

    /// <summary>The reasons' text exactly as the decision gave it (<see cref="Arbitrator.Reasons"/>).</summary>
    public static string[] ReasonsOf(in RememberedOffer o) => Arbitrator.Reasons(o.Propensity, o.ContextWeight, o.Value, o.Lever);
}

/// <summary>
/// A customer's most recent decisions for the console, oldest first, at most <see cref="Capacity"/>: one ring of values
/// that grows to the capacity, so remembering a decision allocates nothing once the ring is full.
/// </summary>
internal sealed class RememberedDecisions(int capacity)
{
    private RememberedDecision[] _items = [];
    private int _head;

    public int Capacity { get; } = capacity;

    public int Count { get; private set; }

    public ref RememberedDecision this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _items[(_head + index) % _items.Length];
        }
    }

    /// <summary>Remembers a decision; when full, the oldest leaves.</summary>
    public void Add(in RememberedDecision decision)
    {
        if (Count == Capacity)
        {
            _items[_head] = decision;
            _head = (_head + 1) % _items.Length;
            return;
        }
        if (Count == _items.Length)
        {
            var grown = new RememberedDecision[Math.Min(Capacity, Math.Max(1, _items.Length * 2))];
            for (var i = 0; i < Count; i++) grown[i] = this[i];
            _items = grown;
            _head = 0;
        }
        _items[(_head + Count++) % _items.Length] = decision;
    }
}
