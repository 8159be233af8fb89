using System.Text.Json;
using System.Text.RegularExpressions;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Segments;

namespace PersonalizationEngine.Domain.Decisioning;

/// <summary>
/// An offer in the catalogue (the body of <c>POST /api/v1/offers</c>). Rules are conditions in the segment
/// language (JSON, parsed into a typed tree; never code): <see cref="Eligibility"/> (may this customer get it
/// at all), <see cref="Applicability"/> (is it relevant now, e.g. not already owned) and
/// <see cref="Suitability"/> (is it in the customer's interest).
/// </summary>
public sealed partial record OfferDefinition
{
    public string OfferId { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>Channels it may be presented on (wire names); empty = all.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];
    /// <summary>Placements (e.g. home, cart, email_footer); empty = all.</summary>
    public IReadOnlyList<string> Placements { get; init; } = [];
    /// <summary>Business value of an acceptance (e.g. expected margin in currency units).</summary>
    public decimal Value { get; init; } = 1;
    public decimal Margin { get; init; }
    /// <summary>Business lever: a multiplier marketers use to push (>1) or hold back (&lt;1) an offer.</summary>
    public double Lever { get; init; } = 1;
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    /// <summary>Budget: no more impressions (or acceptances) than this, over all customers.</summary>
    public long? MaxImpressions { get; init; }
    public long? MaxAccepts { get; init; }
    public JsonElement? Eligibility { get; init; }
    public JsonElement? Applicability { get; init; }
    public JsonElement? Suitability { get; init; }
    /// <summary>An upsell that is not in the interest of a customer likely to leave: suppressed at high churn risk.</summary>
    public bool AggressiveUpsell { get; init; }
    /// <summary>Consent purpose required; outbound channels need it granted, on-site placements only need it not refused.</summary>
    public string ConsentPurpose { get; init; } = "marketing";
    /// <summary>Free JSON the website renders (title, body, image, call to action).</summary>
    public JsonElement? Creative { get; init; }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>Validates and parses the rules; every error names its field.</summary>
    public (CompiledOffer? Offer, IReadOnlyList<ValidationError> Errors) Compile()
    {
        var errors = new List<ValidationError>();
        if (!IdPattern().IsMatch(OfferId ?? "")) errors.Add(new("offerId", "offerId must be 1-64 characters of letters, digits, '_', '.' or '-'."));
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200) errors.Add(new("name", "name is required (at most 200 characters)."));
        for (var i = 0; i < (Channels?.Count ?? 0); i++)
        {
            if (!ChannelNames.TryParse(Channels![i], out _)) errors.Add(new($"channels[{i}]", $"Unknown channel '{Channels[i]}'."));
        }
        for (var i = 0; i < (Placements?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(Placements![i]) || Placements[i].Length > 64) errors.Add(new($"placements[{i}]", "A placement is 1 to 64 characters."));
        }
        if (Value < 0) errors.Add(new("value", "value must be zero or more."));
        if (!double.IsFinite(Lever) || Lever < 0 || Lever > 100) errors.Add(new("lever", "lever must be between 0 and 100."));
        if (StartsAt is { } s && EndsAt is { } e && e <= s) errors.Add(new("endsAt", "endsAt must be after startsAt."));
        if (MaxImpressions is < 0) errors.Add(new("maxImpressions", "maxImpressions must be zero or more."));
        if (MaxAccepts is < 0) errors.Add(new("maxAccepts", "maxAccepts must be zero or more."));
        if (string.IsNullOrWhiteSpace(ConsentPurpose) || ConsentPurpose.Length > 64) errors.Add(new("consentPurpose", "consentPurpose is 1 to 64 characters."));
        if (Creative is { } c && c.GetRawText().Length > 16 * 1024) errors.Add(new("creative", "creative is at most 16 KB of JSON."));
        var eligibility = Parse(Eligibility, "eligibility", errors);
        var applicability = Parse(Applicability, "applicability", errors);
        var suitability = Parse(Suitability, "suitability", errors);
        if (errors.Count > 0) return (null, errors);
        return (new CompiledOffer(this, eligibility, applicability, suitability), errors);
    }

    private static Condition? Parse(JsonElement? rule, string field, List<ValidationError> errors)
    {
        if (rule is not { } r || r.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        if (r.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(field, $"{field} must be a condition object in the segment language."));
            return null;
        }
        var parsed = ConditionParser.ParseJson(r.GetRawText());
        foreach (var e in parsed.Errors) errors.Add(new(field + (e.Field.StartsWith('$') ? e.Field[1..] : "." + e.Field), e.Message));
        return parsed.Condition;
    }
}

/// <summary>An offer with its rules parsed once.</summary>
public sealed record CompiledOffer(OfferDefinition Definition, Condition? Eligibility, Condition? Applicability, Condition? Suitability)
{
    public string OfferId => Definition.OfferId;
}
