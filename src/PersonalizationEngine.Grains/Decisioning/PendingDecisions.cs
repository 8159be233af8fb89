using System.Runtime.CompilerServices;

namespace PersonalizationEngine.Grains.Decisioning;

/// <summary>The bandit context of a decision, stored inline up to <see cref="Size"/> values (no array per decision).</summary>
[InlineArray(Size)]
internal struct ContextVector
{
    /// <summary>Values kept inline: the 11 behavioural values and a few marketer-chosen ones. Longer contexts spill to an array.</summary>
    public const int Size = 16;

    private double _element;
}

/// <summary>
/// A decision waiting for feedback: what was offered, in which context, to whom, and until when an impression waits for
/// its answer (<see cref="RewardDue"/>). Kept per customer (at most a few) until both the reward wait and the conversion
/// window are over. A value, stored in the customer's <see cref="PendingDecisions"/>: in the common case it holds no
/// reference to a new object (the engine's own decision ids are kept as a <see cref="Guid"/>, the offer ids are the
/// catalogue's strings, a context of up to 16 values is inline), so a decision leaves nothing behind for the garbage
/// collector to trace from the long-lived customer grain. A longer (marketer-configured) context is one array.
/// </summary>
internal struct PendingDecision
{
    private const string IdPrefix = "dec_";

    /// <summary>The engine's id (<c>dec_</c> + 32 hex digits) as a value.</summary>
    private Guid _id;

    /// <summary>An id in any other format, kept as given.</summary>
    private string? _otherId;

    // Up to three offers inline (the catalogue's own strings), more in one array: a decision allocates nothing here.
    private string? _offer;
    private string? _offer2;
    private string? _offer3;
    private string[]? _offers;
    private ContextVector _inline;
    private double[]? _spill;
    private byte _length;

    public DateTimeOffset At;

    /// <summary>When an impression of this decision that got no click or acceptance counts as reward 0.</summary>
    public DateTimeOffset RewardDue;
    public bool Control;
    public bool Converted;

    /// <summary>The reward wait is over and every unanswered impression has taught 0 (or there was none).</summary>
    public bool RewardsSettled;
    public HashSet<string>? Impressed;

    /// <summary>Offers whose outcome the model has learned (an answer, or reward 0 after the wait): each teaches once.</summary>
    public HashSet<string>? Answered;

    /// <summary>The first offer clicked or accepted (credited with a purchase before any other shown offer).</summary>
    public string? Engaged;

    public PendingDecision(string decisionId, IReadOnlyList<string> offerIds, ReadOnlySpan<double> context, DateTimeOffset at, bool control, DateTimeOffset? rewardDue = null)
        : this(decisionId, context, at, control, rewardDue)
    {
        switch (offerIds.Count)
        {
            case 0: break;
            case 1: _offer = offerIds[0]; break;
            case 2: (_offer, _offer2) = (offerIds[0], offerIds[1]); break;
            case 3: (_offer, _offer2, _offer3) = (offerIds[0], offerIds[1], offerIds[2]); break;
            default: _offers = offerIds as string[] ?? [.. offerIds]; break; // an array is taken as is
        }
    }

    /// <summary>The decision's offers taken from its scores (best first), without an array for up to three.</summary>
    public static PendingDecision Of(string decisionId, IReadOnlyList<Domain.Decisioning.OfferScore> offers, ReadOnlySpan<double> context, DateTimeOffset at, bool control, DateTimeOffset? rewardDue = null)
    {
        var p = new PendingDecision(decisionId, context, at, control, rewardDue);
        switch (offers.Count)
        {
            case 0: break;
            case 1: p._offer = offers[0].OfferId; break;
            case 2: (p._offer, p._offer2) = (offers[0].OfferId, offers[1].OfferId); break;
            case 3: (p._offer, p._offer2, p._offer3) = (offers[0].OfferId, offers[1].OfferId, offers[2].OfferId); break;
            default:
                p._offers = new string[offers.Count];
                for (var i = 0; i < p._offers.Length; i++) p._offers[i] = offers[i].OfferId;
                break;
        }
        return p;
    }

    private PendingDecision(string decisionId, ReadOnlySpan<double> context, DateTimeOffset at, bool control, DateTimeOffset? rewardDue)
    {
        if (!TryParseId(decisionId, out _id)) _otherId = decisionId;
        if (context.Length > byte.MaxValue) throw new ArgumentException("A context has at most 255 values.", nameof(context));
        _length = (byte)context.Length;
        if (context.Length <= ContextVector.Size) context.CopyTo(_inline);
        else _spill = context.ToArray();
        At = at;
        RewardDue = rewardDue ?? at;
        Control = control;
    }

    /// <summary>The offer that led the decision, if any.</summary>
    public readonly string? LeadOffer => _offer ?? (_offers is { Length: > 0 } o ? o[0] : null);

    /// <summary>The offers of the decision, best first (a new array for inline ones: read on feedback, not per decision).</summary>
    public readonly IReadOnlyList<string> Offers =>
        _offers ?? (_offer is null ? [] : _offer2 is null ? [_offer] : _offer3 is null ? [_offer, _offer2] : [_offer, _offer2, _offer3]);

    /// <summary>Whether any offer of this decision was shown.</summary>
    public readonly bool Shown => Impressed is { Count: > 0 };

    /// <summary>A shown offer still waiting for its reward (no answer learned yet).</summary>
    public readonly bool AwaitsReward => Unanswered > 0;

    /// <summary>Shown offers whose reward is still open (0 once the wait is settled).</summary>
    public readonly int Unanswered
    {
        get
        {
            if (RewardsSettled || Impressed is not { } shown) return 0;
            var n = 0;
            foreach (var o in shown)
            {
                if (Answered?.Contains(o) != true) n++;
            }
            return n;
        }
    }

    public readonly int ContextLength => _length;

    /// <summary>A copy of the decision's context (what the offer models learn from).</summary>
    public readonly double[] ContextArray() => _spill is not null ? [.. _spill] : ((ReadOnlySpan<double>)_inline)[.._length].ToArray();

    public readonly bool Is(string decisionId) =>
        _otherId is not null ? string.Equals(_otherId, decisionId, StringComparison.Ordinal) : TryParseId(decisionId, out var g) && g == _id;

    public readonly string DecisionId => _otherId ?? FormatId(_id);

    /// <summary>The engine's decision id format (<c>dec_</c> + 32 hex digits) of a parsed id.</summary>
    internal static string FormatId(Guid id) => IdPrefix + id.ToString("N");

    /// <summary>Parses the engine's own decision id format (see <see cref="FormatId"/>).</summary>
    internal static bool TryParseId(string decisionId, out Guid id)
    {
        id = default;
        return decisionId.Length == IdPrefix.Length + 32 && decisionId.StartsWith(IdPrefix, StringComparison.Ordinal)
            && Guid.TryParseExact(decisionId.AsSpan(IdPrefix.Length), "N", out id);
    }
}

/// <summary>
/// A customer's pending decisions, oldest first, at most <see cref="Capacity"/>. Slots are values in one ring that grows
/// by doubling up to the capacity, so a customer asked once holds one small slot. When full, a new decision takes the
/// place of the oldest decision that was never shown (it teaches nothing and cannot be credited with a purchase); when
/// every one was shown, the oldest leaves and <see cref="Add"/> hands it back so its unanswered impressions can teach
/// reward 0 instead of being lost.
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

    /// <summary>Adds a decision; when full, returns true with the decision that had to leave (see the class summary).</summary>
    public bool Add(in PendingDecision decision, out PendingDecision evicted)
    {
        evicted = default;
        if (Count == Capacity)
        {
            for (var i = 0; i < Count; i++)
            {
                ref var p = ref this[i];
                if (p.Shown || p.Control) continue;
                RemoveAt(i); // never shown: nothing to learn or credit
                Append(decision);
                return false;
            }
            evicted = _items[_head];
            _items[_head] = decision;
            _head = (_head + 1) % _items.Length;
            return true;
        }
        Append(decision);
        return false;
    }

    /// <summary>Adds a decision, dropping one as <see cref="Add(in PendingDecision, out PendingDecision)"/> does when full.</summary>
    public void Add(in PendingDecision decision) => Add(decision, out _);

    private void Append(in PendingDecision decision)
    {
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
