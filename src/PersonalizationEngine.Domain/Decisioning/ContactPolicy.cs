using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Decisioning;

/// <summary>
/// Contact policy and fatigue (the body of <c>POST /api/v1/contact-policies</c>). A cap limits how many offers
/// a customer is shown on a channel (or any channel, <c>*</c>) within a window, across all offers or per
/// offer; suppression hides an offer from a customer for some days after N rejections.
/// </summary>
public sealed record ContactPolicy
{
    public string PolicyId { get; init; } = "";
    /// <summary>Channel wire name, or <c>*</c> for every channel.</summary>
    public string Channel { get; init; } = "*";
    public int? MaxContacts { get; init; }
    public int WindowDays { get; init; } = 7;
    /// <summary>True: the cap counts per offer; false: across all offers.</summary>
    public bool PerOffer { get; init; }
    public int? SuppressAfterRejects { get; init; }
    public int SuppressDays { get; init; } = 30;

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(PolicyId) || PolicyId.Length > 64) errors.Add(new("policyId", "policyId is 1 to 64 characters."));
        if (Channel != "*" && !ChannelNames.TryParse(Channel, out _)) errors.Add(new("channel", "channel is a channel name or '*'."));
        if (MaxContacts is null && SuppressAfterRejects is null) errors.Add(new("maxContacts", "Set maxContacts (a cap) and/or suppressAfterRejects (fatigue)."));
        if (MaxContacts is < 0 or > 10_000) errors.Add(new("maxContacts", "maxContacts must be 0 to 10000."));
        if (WindowDays is < 1 or > 365) errors.Add(new("windowDays", "windowDays must be 1 to 365."));
        if (SuppressAfterRejects is < 1 or > 1000) errors.Add(new("suppressAfterRejects", "suppressAfterRejects must be 1 to 1000."));
        if (SuppressDays is < 1 or > 3650) errors.Add(new("suppressDays", "suppressDays must be 1 to 3650."));
        return errors;
    }
}
