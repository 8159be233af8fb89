namespace PersonalizationEngine.Domain.Events;

/// <summary>The channels an event can come from (issue 3: online and offline).</summary>
public enum Channel
{
    Web,
    App,
    Email,
    Sms,
    Push,
    Store,
    CallCentre,
    Crm,
    Social,
    Ads,
}
