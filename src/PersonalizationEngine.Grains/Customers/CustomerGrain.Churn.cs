using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Grains.Customers;

public sealed partial class CustomerGrain
{
    private const string ChurnFeature = "churn_probability";
    private const string ChurnReminderName = "churn-rescore";
    private ChurnScore? _churn;
    private long _churnAtEvent = -1;
    private string? _churnModelVersion;
    private DateTimeOffset _churnAt;

    /// <summary>
    /// The customer's churn risk with the active model: recomputed when events arrived, the model changed or an
    /// hour passed (recency moves on its own); otherwise the cached score. Null without a profile or a model.
    /// </summary>
    public ValueTask<ChurnAnswer> ChurnRiskAsync() => ValueTask.FromResult(new ChurnAnswer(ChurnRisk()));

    private ChurnScore? ChurnRisk()
    {
        if (!Exists || churnModels.Current is not { } model)
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (_churn is null || _churnAtEvent != _profile!.EventCount || _churnModelVersion != model.Version || now - _churnAt > TimeSpan.FromHours(1))
        {
            Rescore(model, now);
        }
        return _churn;
    }

    /// <summary>
    /// Registers the periodic re-scoring reminder in the engine's reminder table (durable: the reminder poller wakes
    /// the grain after a restart too; see docs/actors.md for why not Orleans' in-memory reminder ranges).
    /// </summary>
    private async Task ScheduleChurnRescoreAsync()
    {
        var every = _options.ChurnRescoreInterval;
        await storage.Reminders.UpsertAsync(new PersonalizationEngine.Storage.ReminderEntry(TypeName, Key, ChurnReminderName, time.GetUtcNow() + every, every)).ConfigureAwait(true);
        State.ChurnReminder = true;
        MarkDirty();
    }

    private Task UnregisterReminderAsync() => storage.Reminders.DeleteAsync(TypeName, Key, ChurnReminderName);

    /// <summary>
    /// The periodic re-score: risk rises while a customer stays quiet, so the score (and the churn segment, and
    /// the high-risk trigger) moves without any event. A profile that is gone (erased, merged away) drops it.
    /// </summary>
    public async Task ReceiveReminderAsync(string name)
    {
        if (name == RewardReminderName)
        {
            await RewardReminderAsync().ConfigureAwait(true);
            return;
        }
        if (name != ChurnReminderName) return;
        if (!Exists)
        {
            await UnregisterReminderAsync().ConfigureAwait(true);
            return;
        }
        if (churnModels.Current is { } model) Rescore(model, time.GetUtcNow());
    }

    /// <summary>Re-scores after events that move churn risk, and records a crossing of the high-risk threshold.</summary>
    private void RescoreAfter(IReadOnlyList<CustomerEvent> events)
    {
        if (churnModels.Current is not { } model || _profile is null)
        {
            return;
        }
        foreach (var e in events)
        {
            if (e.Type is EventTypes.Purchase or EventTypes.Refund or EventTypes.Complaint or EventTypes.SupportTicket
                or EventTypes.Review or EventTypes.Unsubscribe or EventTypes.Login or EventTypes.AppOpen)
            {
                Rescore(model, time.GetUtcNow());
                return;
            }
        }
    }

    private void Rescore(ChurnModel model, DateTimeOffset now)
    {
        var p = _profile!;
        var before = p.Scores?.GetValueOrDefault(ChurnFeature);
        _churn = model.Score(p.FeatureView(now, Settings)); // reads only the model's features
        _churnAtEvent = p.EventCount;
        _churnModelVersion = model.Version;
        _churnAt = now;
        (p.Scores ??= new(StringComparer.Ordinal))[ChurnFeature] = Math.Round(_churn.Probability, 4);
        var changes = p.EvaluateSegments(now, Settings);
        Notify(changes);
        if (changes.Count > 0 || before is null || Math.Abs(before.Value - _churn.Probability) > 0.01)
        {
            MarkDirty();
        }
        if (before is { } b && b < model.HighThreshold && _churn.Probability >= model.HighThreshold)
        {
            RiskCrossings.Add(1);
            triggers.Publish(new Triggers.CustomerSignal(Triggers.TriggerKinds.ChurnHigh, Key, now, Value: _churn.Probability));
        }
    }

    private static readonly System.Diagnostics.Metrics.Counter<long> RiskCrossings =
        new System.Diagnostics.Metrics.Meter("PersonalizationEngine.Decisioning").CreateCounter<long>("pe_churn_high_risk_crossings", "customers", "Customers whose churn risk crossed the high threshold.");
}
