using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;

namespace PersonalizationEngine.Gateway.Contracts;

/// <summary>Churn risk of one customer: probability, band, the features that raise it most, model version.</summary>
public sealed record ChurnRiskAnswer(string ProfileId, double Probability, string Band, IReadOnlyList<ChurnReason> Reasons, string ModelVersion);

/// <summary>A feature's contribution to the churn score.</summary>
public sealed record ChurnReason(string Feature, double Contribution);

/// <summary><c>PUT /api/v1/customers/{ref}/consents</c>.</summary>
public sealed record ConsentsRequest(IReadOnlyList<ConsentDecision>? Consents) : IValidatedRequest
{
    public IReadOnlyList<ValidationError> Validate()
    {
        if (Consents is not { Count: > 0 })
        {
            return [new("consents", "Send {\"consents\": [{\"purpose\": \"marketing\", \"channel\": \"email\", \"granted\": true}]}.")];
        }
        var errors = new List<ValidationError>();
        for (var i = 0; i < Consents.Count; i++)
        {
            var f = $"consents[{i}]";
            var c = Consents[i];
            if (c is null) { errors.Add(new(f, "Each consent must be an object.")); continue; }
            if (string.IsNullOrWhiteSpace(c.Purpose) || c.Purpose.Trim().Length > 64) errors.Add(new(f + ".purpose", "purpose is required (1 to 64 characters)."));
            if (c.Granted is null) errors.Add(new(f + ".granted", "granted must be true or false."));
            if (c.Channel is not null && !ChannelNames.TryParse(c.Channel, out _))
            {
                errors.Add(new(f + ".channel", "channel must be one of the engine's channels (web, app, email, sms, push, store, call_centre, crm, social, ads)."));
            }
        }
        return errors;
    }
}

/// <summary>One consent decision: a purpose, optionally limited to a channel, granted or withdrawn.</summary>
public sealed record ConsentDecision(string? Purpose, string? Channel, bool? Granted);

/// <summary>How many consent decisions were recorded (journaled like events).</summary>
public sealed record ConsentsRecorded(string? ProfileId, int Recorded);

/// <summary><c>POST /api/v1/customers/{ref}/unmerge</c>: the identifiers (<c>type:value</c>) that move to a new profile.</summary>
public sealed record UnmergeRequest(IReadOnlyList<string>? Identifiers) : IValidatedRequest
{
    public IReadOnlyList<ValidationError> Validate() => Identifiers is { Count: > 0 and <= 50 }
        ? []
        : [new("identifiers", "Send {\"identifiers\": [\"type:value\", ...]} (1 to 50).")];
}

/// <summary>The result of an unmerge: the new profile, and whether the split re-applied every event.</summary>
public sealed record UnmergeAnswer(string ProfileId, string NewProfileId, bool Exact);

/// <summary>GDPR access: everything held about a customer, identifiers in clear.</summary>
public sealed record CustomerExportAnswer(
    DateTimeOffset ExportedAt,
    string ProfileId,
    Dictionary<string, List<string>> Identifiers,
    Dictionary<string, AttributeValue> Attributes,
    Dictionary<string, ConsentState> Consents,
    IReadOnlyList<string> Segments,
    long EventCount,
    IReadOnlyList<CustomerEvent> Events);
