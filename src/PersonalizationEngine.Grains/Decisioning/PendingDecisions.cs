using System.Runtime.CompilerServices;
using PersonalizationEngine.Grains.Offers;

namespace PersonalizationEngine.Grains.Decisioning;

/// <summary>The bandit context of a decision, stored inline (no array per decision).</summary>
[InlineArray(OfferContext.Size)]
internal struct ContextVector
{
    private double _element;

    public static ContextVector From(ReadOnlySpan<double> values)
    {
        var v = default(ContextVector);
        values.CopyTo(v);
        return v;
    }

    public readonly double[] ToArray() => ((ReadOnlySpan<double>)this).ToArray();
}

/// <summary>
/// A decision waiting for feedback: what was offered, in which context, to whom. Kept per customer (at most a
/// few) until the conversion window ends. A value, stored in the customer's <see cref="PendingDecisions"/>: it
/// holds no reference to a new object in the common case (the engine's own decision ids are kept as a
/// <see cref="Guid"/>, the offer ids are the catalogue's strings, the context is inline), so a decision leaves
/// nothing behind for the garbage collector to trace from the long-lived customer grain. Before this, every
/// decision stored three new objects in an old grain, and at 10k decisions/s the collector's pauses (tracing them
/// from old objects) set the tail latency.
/// </summary>
internal struct PendingDecision
{
    private const string IdPrefix = "dec_";

    /// <summary>The engine's id (<c>dec_</c> + 32 hex digits) as a value.</summary>
    private Guid _id;

    /// <summary>An id in any other format, kept as given.</summary>
    private string? _otherId;

    private string? _offer;
    private string[]? _offers;

    public DateTimeOffset At;
    public bool Control;
    public bool Converted;
    public bool IgnoredReported;
    public ContextVector Context;
    public HashSet<string>? Impressed;
    public HashSet<string>? Answered;

    public PendingDecision(string decisionId, IReadOnlyList<string> offerIds, ReadOnlySpan<double> context, DateTimeOffset at, bool control)
    {
        if (!TryParseId(decisionId, out _id)) _otherId = decisionId;
        if (offerIds.Count == 1) _offer = offerIds[0];
        else if (offerIds.Count > 1) _offers = offerIds as string[] ?? [.. offerIds]; // an array is taken as is
        Context = ContextVector.From(context);
        At = at;
        Control = control;
    }

    /// <summary>The offer that led the decision, if any.</summary>
    public readonly string? LeadOffer => _offer ?? (_offers is { Length: > 0 } o ? o[0] : null);

    public readonly bool Is(string decisionId) =>
        _otherId is not null ? string.Equals(_otherId, decisionId, StringComparison.Ordinal) : TryParseId(decisionId, out var g) && g == _id;

    public readonly string DecisionId => _otherId ?? IdPrefix + _id.ToString("N");

    private static bool TryParseId(string decisionId, out Guid id)
    {
        id = default;
        return decisionId.Length == IdPrefix.Length + 32 && decisionId.StartsWith(IdPrefix, StringComparison.Ordinal)
            && Guid.TryParseExact(decisionId.AsSpan(IdPrefix.Length), "N", out id);
    }
}

/// <summary>
/// A customer's pending decisions, oldest first, at most <see cref="Capacity"/> (a new one then replaces the
/// oldest). Slots are values in one ring that grows by doubling up to the capacity, so a customer asked once holds
/// one small slot. Once full, a decision overwrites the oldest slot in place: no bulk copies (a bulk copy of
/// slots holding references marks every card it touches for the collector to scan).
/// </summary>
internal sealed class PendingDecisions(int capacity)
{
    private PendingDecision[] _items = [];
    private int _head;

    public int Capacity { get; } = capacity;

    public int Count { get; private set; }

    public ref PendingDecision this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            return ref _items[(_head + index) % _items.Length];
        }
    }

    public void Add(in PendingDecision decision)
    {
        if (Count == Capacity)
        {
            _items[_head] = decision;
            _head = (_head + 1) % _items.Length;
            return;
        }
        if (Count == _items.Length)
        {
            var grown = new PendingDecision[Math.Min(Capacity, Math.Max(2, _items.Length * 2))];
            for (var i = 0; i < Count; i++) grown[i] = this[i];
            _items = grown;
            _head = 0;
        }
        _items[(_head + Count++) % _items.Length] = decision;
    }

    public void RemoveAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        if (index == 0)
        {
            _items[_head] = default;
            _head = (_head + 1) % _items.Length;
            Count--;
            return;
        }
        for (var i = index; i < Count - 1; i++) this[i] = this[i + 1];
        this[Count - 1] = default;
        Count--;
    }

    /// <summary>The index of the decision with this id, or -1.</summary>
    public int IndexOf(string decisionId)
    {
        for (var i = 0; i < Count; i++)
        {
            if (this[i].Is(decisionId)) return i;
        }
        return -1;
    }

    public void Clear()
    {
        Array.Clear(_items);
        _head = 0;
        Count = 0;
    }
}
