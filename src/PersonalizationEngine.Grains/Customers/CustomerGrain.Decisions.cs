using System.Text.Json;
using System.Text.Json.Serialization;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Hosting;
using PersonalizationEngine.Grains.Offers;
using PersonalizationEngine.Grains.Protection;
using PersonalizationEngine.Learning.Bandits;

namespace PersonalizationEngine.Grains.Customers;

public sealed partial class CustomerGrain
{
    private const int MaxPending = 16;

    /// <summary>The durable reminder that applies reward 0 to impressions nobody answered within the reward wait.</summary>
    internal const string RewardReminderName = "reward-wait";

    private readonly PendingDecisions _pending = new(MaxPending);

    /// <summary>When the reward reminder is due (as this activation scheduled it), or null when none is.</summary>
    private DateTimeOffset? _rewardReminderAt;

    /// <summary>
    /// Next best offer for this customer, decided in this turn from memory: features, attributes, segments, consents,
    /// contact history, the offers' propensity copies (never a call to a shared grain). The decision is remembered so
    /// feedback (impression, click, accept, reject, purchase) can teach the offer models and count conversions.
    /// </summary>
    public ValueTask<DecisionView> DecideAsync(DecideInput input) => ValueTask.FromResult(Remember(Decide(input), input));

    private DecisionView Decide(DecideInput input)
    {
        var now = time.GetUtcNow();
        SettleDueRewards(now);
        var profile = Exists ? _profile! : new CustomerProfile(Key);
        var features = profile.FeatureView(now, Settings);
        var context = decisioning.Encoder.Encode(features, profile.Attributes, profile.Segments, input.Channel);
        var control = decisioning.InControl(Key);
        var decision = Arbitrator.Decide(Request(profile, features, context, input, now, control, decisioning, propensities));
        if (Exists)
        {
            var pending = PendingDecision.Of(decision.DecisionId, decision.Offers, context, now, control, now + decisioning.RewardWaitOf(input.Channel));
            if (_pending.Add(pending, out var evicted))
            {
                // Sixteen newer decisions since, all kept for their own feedback: this one's unanswered impressions teach 0 now.
                Settle(ref evicted);
            }
        }
        if ((control ? IOfferModelGrain.ControlKey : decision.Offers.FirstOrDefault()?.OfferId) is { } led) propensities.NoteDecision(led, decision.Explored);
        return new DecisionView(decision.DecisionId, Exists ? Key : null, decision.Control, decision.Offers, decision.Trace, decision.Explored);
    }

    /// <summary>The arbitration request for a customer (also used for visitors the engine does not know yet).</summary>
    internal static DecisionRequest Request(CustomerProfile profile, IReadOnlyDictionary<string, double> features, double[] context, DecideInput input, DateTimeOffset now, bool control, DecisioningCatalog catalog, PropensityCache propensities)
    {
        var random = Random.Shared;
        var policy = catalog.ExplorationPolicy;
        var scale = catalog.Exploration;
        var exploreAtRandom = OfferExploration.TossExplore(policy, scale, random);
        return new DecisionRequest
        {
            DecisionId = input.DecisionId,
            Customer = new ProfileConditionContext(profile, features),
            Channel = input.Channel,
            Placement = input.Placement,
            Limit = input.Limit,
            AsOf = now,
            Offers = catalog.CompiledOffers,
            Policies = catalog.ContactPolicies,
            History = profile.Contacts ?? new ContactHistory(),
            ContextWeights = input.ContextWeights,
            ChurnProbability = features.TryGetValue("churn_probability", out var churn) ? churn : 0,
            HighChurnThreshold = catalog.HighChurnThreshold,
            Control = control,
            Explain = input.Explain,
            Usage = id =>
            {
                var c = propensities.CountersOf(id);
                return (c.Impressions, c.Accepts);
            },
            // Thompson sampling by default: one draw from each offer's posterior, so an offer never tried (widest
            // posterior) is drawn high often and gets tried, and every offer keeps a chance in proportion to the doubt.
            Propensity = id => OfferExploration.Score(propensities.ModelOf(id), context, policy, scale, exploreAtRandom, random),
            Estimate = id => propensities.ModelOf(id).Propensity(0, context),
            Random = random,
        };
    }

    /// <summary>Feedback and conversions from an applied event (contact history, learning, KPIs).</summary>
    private void ObserveOutcome(CustomerEvent e)
    {
        if (e.Type == EventTypes.Purchase)
        {
            Attribute(e);
            return;
        }
        var kind = e.Type switch
        {
            EventTypes.OfferImpression => ContactKind.Impression,
            EventTypes.OfferClick => ContactKind.Click,
            EventTypes.OfferAccept => ContactKind.Accept,
            EventTypes.OfferReject => ContactKind.Reject,
            _ => (ContactKind?)null,
        };
        if (kind is null) return;
        var offerId = e.Properties.String("offerId") ?? e.Properties.String("offer_id");
        if (string.IsNullOrEmpty(offerId)) return;
        var decisionId = e.Properties.String("decisionId") ?? e.Properties.String("decision_id");
        (_profile!.Contacts ??= new ContactHistory()).Record(new ContactEntry(e.Timestamp, ChannelNames.ToWire(e.Channel), offerId, kind.Value));
        var at = decisionId is null ? -1 : _pending.IndexOf(decisionId);
        var signal = kind.Value switch
        {
            ContactKind.Impression => OfferSignal.Impression,
            ContactKind.Click => OfferSignal.Click,
            ContactKind.Accept => OfferSignal.Accept,
            _ => OfferSignal.Reject,
        };
        double[]? context = null;
        if (at >= 0)
        {
            ref var pending = ref _pending[at];
            if (signal == OfferSignal.Impression)
            {
                var first = !pending.Shown;
                if ((pending.Impressed ??= []).Add(offerId) && !pending.RewardsSettled && pending.Answered?.Contains(offerId) != true)
                {
                    // The wait runs from the first impression: an e-mail decided now may be sent later.
                    if (first) pending.RewardDue = time.GetUtcNow() + (pending.RewardDue - pending.At);
                    propensities.Metrics.AddPendingRewards(1);
                    ScheduleRewardReminder(pending.RewardDue);
                }
            }
            // Learn once per decision and offer: the first answer counts; after the reward wait the model has had its 0
            // and a late answer counts in the KPIs only.
            else if ((pending.Answered ??= []).Add(offerId))
            {
                context = pending.ContextArray();
                if (!pending.RewardsSettled && pending.Impressed?.Contains(offerId) == true) propensities.Metrics.AddPendingRewards(-1);
                if (signal is OfferSignal.Click or OfferSignal.Accept) pending.Engaged ??= offerId;
            }
        }
        Signal(offerId, signal, context, 0);
    }

    /// <summary>
    /// Last-touch attribution: a purchase is credited once (count and revenue) to the most recent decision shown to this
    /// customer before it and within <c>Decisioning:ConversionWindowHours</c>, to the offer the customer clicked or
    /// accepted there, else the best-ranked offer shown; in the control group to the most recent control decision. A
    /// decision converts at most once: a second purchase after the same decision is not credited again, and never to an
    /// older decision.
    /// </summary>
    private void Attribute(CustomerEvent e)
    {
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            ref var p = ref _pending[i];
            if (e.Timestamp < p.At || e.Timestamp - p.At > decisioning.ConversionWindow) continue;
            if (!p.Shown && !p.Control) continue; // never shown: it cannot have caused the purchase
            if (p.Converted) return;
            p.Converted = true;
            Signal(p.Control ? IOfferModelGrain.ControlKey : CreditedOffer(p), OfferSignal.Conversion, null, e.Amount);
            return;
        }
    }

    private static string? CreditedOffer(in PendingDecision p)
    {
        if (p.Engaged is { } engaged) return engaged;
        foreach (var offer in p.Offers)
        {
            if (p.Impressed!.Contains(offer)) return offer;
        }
        return p.Impressed!.First();
    }

    /// <summary>
    /// Impressions nobody answered within their reward wait teach the model 0; decisions leave once both the wait and the
    /// conversion window are over. Run by the reward reminder (and, harmlessly, by any decision in between).
    /// </summary>
    private void SettleDueRewards(DateTimeOffset now)
    {
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            ref var p = ref _pending[i];
            if (!p.RewardsSettled && p.Shown && now >= p.RewardDue) Settle(ref p);
            if (now - p.At > decisioning.ConversionWindow && !p.AwaitsReward) _pending.RemoveAt(i);
        }
    }

    /// <summary>Reward 0 for every shown offer of the decision that has had no answer; each offer teaches once.</summary>
    private void Settle(ref PendingDecision p)
    {
        if (p.RewardsSettled) return;
        p.RewardsSettled = true;
        if (p.Impressed is not { } impressed) return;
        double[]? context = null;
        foreach (var offer in impressed)
        {
            if (!(p.Answered ??= []).Add(offer)) continue;
            propensities.Metrics.AddPendingRewards(-1);
            Signal(offer, OfferSignal.Ignored, context ??= p.ContextArray(), 0);
        }
    }

    /// <summary>Makes sure the reward reminder fires by <paramref name="due"/> (one durable entry per customer, earliest due).</summary>
    private void ScheduleRewardReminder(DateTimeOffset due)
    {
        if (_rewardReminderAt is { } at && at <= due) return;
        _rewardReminderAt = due;
        _ = UpsertRewardReminderAsync(due);
    }

    private async Task UpsertRewardReminderAsync(DateTimeOffset due)
    {
        try
        {
            await storage.Reminders.UpsertAsync(new Storage.ReminderEntry(TypeName, Key, RewardReminderName, due, TimeSpan.Zero)).ConfigureAwait(true);
        }
        catch (Exception ex)
        {
            // The next impression, decision or deactivation schedules it again.
            if (_rewardReminderAt == due) _rewardReminderAt = null;
            GrainLog.RewardReminderFailed(logger, ex);
        }
    }

    /// <summary>The reward reminder: settles what is due and schedules the next wait still running.</summary>
    private async Task RewardReminderAsync()
    {
        _rewardReminderAt = null;
        var now = time.GetUtcNow();
        SettleDueRewards(now);
        if (NextRewardDue() is { } next)
        {
            _rewardReminderAt = next;
            await UpsertRewardReminderAsync(next).ConfigureAwait(true);
        }
    }

    private DateTimeOffset? NextRewardDue()
    {
        DateTimeOffset? next = null;
        for (var i = 0; i < _pending.Count; i++)
        {
            ref var p = ref _pending[i];
            if (p.AwaitsReward && (next is null || p.RewardDue < next)) next = p.RewardDue;
        }
        return next;
    }

    /// <summary>
    /// Going idle: decisions that can still teach or be credited (shown, or control, within their windows) are sealed into
    /// the stored state with the customer's data key, and the reward reminder is due at the earliest wait, so reward 0
    /// reaches the model when the wait ends, not early because the customer left (as before) and not never.
    /// </summary>
    private async Task ParkPendingAsync()
    {
        var now = time.GetUtcNow();
        SettleDueRewards(now);
        var parked = new List<ParkedDecision>();
        var awaiting = 0;
        var due = NextRewardDue();
        for (var i = 0; i < _pending.Count; i++)
        {
            ref var p = ref _pending[i];
            if (!p.Shown && !p.Control) continue;
            awaiting += p.Unanswered;
            parked.Add(ParkedDecision.From(p));
        }
        _pending.Clear();
        propensities.Metrics.AddPendingRewards(-awaiting);
        var had = State.Pending is not null;
        if (parked.Count == 0 || _dataKey is null || !Exists)
        {
            State.Pending = null;
            if (had) MarkDirty();
            return;
        }
        State.Pending = CustomerDataProtector.Seal(_dataKey, Key, JsonSerializer.SerializeToUtf8Bytes(parked, PendingJsonContext.Default.ListParkedDecision));
        MarkDirty();
        if (due is { } at) await UpsertRewardReminderAsync(at).ConfigureAwait(true);
    }

    /// <summary>On activation: the decisions parked when the customer last went idle come back (see <see cref="ParkPendingAsync"/>).</summary>
    private void RestorePending()
    {
        if (State.Pending is not { } sealedPending || _dataKey is null) return;
        List<ParkedDecision>? parked;
        try
        {
            parked = JsonSerializer.Deserialize(CustomerDataProtector.Open(_dataKey, Key, sealedPending), PendingJsonContext.Default.ListParkedDecision);
        }
        catch (Exception ex) when (ex is JsonException or System.Security.Cryptography.CryptographicException)
        {
            GrainLog.PendingRestoreFailed(logger, ex);
            return;
        }
        foreach (var d in parked ?? [])
        {
            var p = d.ToPending();
            _pending.Add(p);
            propensities.Metrics.AddPendingRewards(p.Unanswered);
        }
        _rewardReminderAt = NextRewardDue(); // scheduled when they were parked
        // In memory again: the stored copy is dropped with the next write (a snapshot or the next deactivation); a crash
        // before that write brings them back once more, so an impression settled in between could teach its 0 twice.
        State.Pending = null;
        MarkDirty();
    }

    /// <summary>Erasure and merges: the decisions go with the profile.</summary>
    private void ForgetPending()
    {
        var awaiting = 0;
        for (var i = 0; i < _pending.Count; i++)
        {
            ref var p = ref _pending[i];
            awaiting += p.Unanswered;
        }
        propensities.Metrics.AddPendingRewards(-awaiting);
        _pending.Clear();
        State.Pending = null;
    }

    /// <summary>Tells an offer's model grain with a one-way call (a decision or an ingest never waits on it).</summary>
    private void Signal(string? offerId, OfferSignal signal, double[]? context, decimal revenue)
    {
        if (offerId is null) return;
        GrainFactory.GetGrain<IOfferModelGrain>(offerId).RecordAsync(new OfferFeedback(signal, context, revenue)).Ignore();
    }
}

/// <summary>A pending decision as stored while its customer is not in memory (sealed with the customer's data key).</summary>
internal sealed record ParkedDecision(
    string DecisionId, string[] Offers, double[] Context, DateTimeOffset At, DateTimeOffset RewardDue, TimeSpan Wait,
    bool Control, bool Converted, bool Settled, string[]? Impressed, string[]? Answered, string? Engaged)
{
    public static ParkedDecision From(in PendingDecision p) => new(
        p.DecisionId, [.. p.Offers], p.ContextArray(), p.At, p.RewardDue, p.Shown ? TimeSpan.Zero : p.RewardDue - p.At,
        p.Control, p.Converted, p.RewardsSettled, p.Impressed?.ToArray(), p.Answered?.ToArray(), p.Engaged);

    public PendingDecision ToPending() => new(DecisionId, Offers, Context, At, Control, Impressed is { Length: > 0 } ? RewardDue : At + Wait)
    {
        Converted = Converted,
        RewardsSettled = Settled,
        Impressed = Impressed is { Length: > 0 } i ? new HashSet<string>(i, StringComparer.Ordinal) : null,
        Answered = Answered is { Length: > 0 } a ? new HashSet<string>(a, StringComparer.Ordinal) : null,
        Engaged = Engaged,
    };
}

[JsonSerializable(typeof(List<ParkedDecision>))]
internal sealed partial class PendingJsonContext : JsonSerializerContext;
