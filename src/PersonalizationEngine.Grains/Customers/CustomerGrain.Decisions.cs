using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Decisioning;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Decisioning;
using PersonalizationEngine.Grains.Offers;

namespace PersonalizationEngine.Grains.Customers;

public sealed partial class CustomerGrain
{
    private const int MaxPending = 16;
    private readonly PendingDecisions _pending = new(MaxPending);

    /// <summary>
    /// Next best offer for this customer, decided in this turn from memory: features, consents, contact history,
    /// the offers' propensity copies (never a call to a shared grain). The decision is remembered so feedback
    /// (impression, click, accept, reject, purchase) can teach the offer models and count conversions.
    /// </summary>
    public ValueTask<DecisionView> DecideAsync(DecideInput input) => ValueTask.FromResult(Decide(input));

    private DecisionView Decide(DecideInput input)
    {
        var now = time.GetUtcNow();
        ExpirePending(now);
        var profile = Exists ? _profile! : new CustomerProfile(Key);
        var features = profile.FeatureView(now, Settings);
        var context = OfferContext.Build(features, input.Channel);
        var control = decisioning.InControl(Key);
        var decision = Arbitrator.Decide(Request(profile, features, context, input, now, control, decisioning, propensities));
        if (Exists)
        {
            _pending.Add(new PendingDecision(decision.DecisionId, OfferIdsOf(decision.Offers), context, now, control));
        }
        if ((control ? IOfferModelGrain.ControlKey : decision.Offers.FirstOrDefault()?.OfferId) is { } led) propensities.NoteDecision(led);
        return new DecisionView(decision.DecisionId, Exists ? Key : null, decision.Control, decision.Offers, decision.Trace);
    }

    private static string[] OfferIdsOf(IReadOnlyList<OfferScore> offers)
    {
        var ids = new string[offers.Count];
        for (var i = 0; i < ids.Length; i++) ids[i] = offers[i].OfferId;
        return ids;
    }

    /// <summary>The arbitration request for a customer (also used for visitors the engine does not know yet).</summary>
    internal static DecisionRequest Request(CustomerProfile profile, IReadOnlyDictionary<string, double> features, double[] context, DecideInput input, DateTimeOffset now, bool control, DecisioningCatalog catalog, PropensityCache propensities) => new()
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
        Propensity = id =>
        {
            // LinUCB: the estimate plus α times its standard error, so uncertain offers get tried.
            var m = propensities.ModelOf(id);
            return m.Propensity(0, context) + catalog.Exploration * Math.Sqrt(m.Uncertainty(0, context));
        },
    };

    /// <summary>Feedback and conversions from an applied event (contact history, learning, KPIs).</summary>
    private void ObserveOutcome(CustomerEvent e)
    {
        if (e.Type == EventTypes.Purchase)
        {
            for (var i = 0; i < _pending.Count; i++)
            {
                ref var p = ref _pending[i];
                if (p.Converted || e.Timestamp < p.At || e.Timestamp - p.At > decisioning.ConversionWindow) continue;
                p.Converted = true;
                Signal(p.Control ? IOfferModelGrain.ControlKey : p.LeadOffer, OfferSignal.Conversion, null, e.Amount);
            }
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
            if (signal == OfferSignal.Impression) (pending.Impressed ??= []).Add(offerId);
            // Learn once per decision and offer: the first answer counts.
            else if ((pending.Answered ??= []).Add(offerId)) context = pending.Context.ToArray();
        }
        Signal(offerId, signal, context, 0);
    }

    /// <summary>Impressions nobody answered within the feedback window teach the model "not clicked".</summary>
    private void ExpirePending(DateTimeOffset now)
    {
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            ref var p = ref _pending[i];
            if (!p.IgnoredReported && now - p.At > decisioning.FeedbackWindow) ReportIgnored(ref p);
            if (now - p.At > decisioning.ConversionWindow) _pending.RemoveAt(i);
        }
    }

    /// <summary>
    /// Pending decisions live in memory only: when the customer goes idle and the grain is deactivated, their
    /// unanswered impressions are reported as ignored now (the customer left without answering), instead of being
    /// lost, which would leave the models learning from answers only and overrate every offer.
    /// </summary>
    private void ReportPendingOnDeactivation()
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            ref var p = ref _pending[i];
            if (!p.IgnoredReported) ReportIgnored(ref p);
        }
        _pending.Clear();
    }

    private void ReportIgnored(ref PendingDecision p)
    {
        p.IgnoredReported = true;
        if (p.Impressed is not { } impressed) return;
        foreach (var offer in impressed)
        {
            if (p.Answered?.Contains(offer) != true) Signal(offer, OfferSignal.Ignored, p.Context.ToArray(), 0);
        }
    }

    /// <summary>Tells an offer's model grain with a one-way call (a decision or an ingest never waits on it).</summary>
    private void Signal(string? offerId, OfferSignal signal, double[]? context, decimal revenue)
    {
        if (offerId is null) return;
        GrainFactory.GetGrain<IOfferModelGrain>(offerId).RecordAsync(new OfferFeedback(signal, context, revenue)).Ignore();
    }
}
