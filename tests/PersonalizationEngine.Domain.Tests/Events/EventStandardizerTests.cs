using PersonalizationEngine.Domain.Events;

namespace PersonalizationEngine.Domain.Tests.Events;

public sealed class EventStandardizerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly EventStandardizer _standardizer = new(new EventValidationOptions { DefaultCountryCallingCode = "44" });

    private static RawEvent Valid() => new()
    {
        EventId = "ev-1",
        Identifiers = new() { ["email"] = "  Alice.Smith@Example.COM ", ["phone"] = "+44 (0)20 7946-0958" },
        Channel = "web",
        Type = "Purchase",
        Timestamp = "2026-11-24T09:59:00+01:00",
        Properties = new EventProperties().Set("amount", 12.50m).Set("currency", "gbp"),
    };

    [Fact]
    public void Valid_event_is_standardised()
    {
        var r = _standardizer.Standardize(Valid() with { Identifiers = new() { ["email"] = "  Alice.Smith@Example.COM ", ["phone"] = "020 7946 0958" } }, Now);
        Assert.True(r.IsValid, string.Join(";", r.Errors));
        var e = r.Event!;
        Assert.Equal("alice.smith@example.com", e.Identifiers["email"]);
        Assert.Equal("+442079460958", e.Identifiers["phone"]);
        Assert.Equal("purchase", e.Type);
        Assert.Equal("GBP", e.Properties.String("currency"));
        Assert.Equal(12.50m, e.Amount);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 59, 0, TimeSpan.Zero), e.Timestamp.ToUniversalTime());
        Assert.Equal(Now, e.ReceivedAt);
    }

    [Fact]
    public void Missing_required_fields_each_name_their_field()
    {
        var r = _standardizer.Standardize(new RawEvent(), Now);
        var fields = r.Errors.Select(e => e.Field).ToHashSet();
        Assert.Null(r.Event);
        Assert.Equal(new HashSet<string> { "eventId", "type", "channel", "timestamp", "identifiers" }, fields);
    }

    [Theory]
    [InlineData("2026-11-24T09:00:00", "zone")]
    [InlineData("yesterday", "not a valid ISO 8601")] // issue 17: not "must carry a zone"
    [InlineData("not-a-time", "not a valid ISO 8601")]
    [InlineData("2026-13-45T09:00:00Z", "ISO 8601")]
    [InlineData("2019-01-01T00:00:00Z", "before receipt")]
    [InlineData("2026-11-26T00:00:00Z", "future")]
    public void Bad_or_absurd_timestamps_are_rejected_with_a_reason(string ts, string reason)
    {
        var r = _standardizer.Standardize(Valid() with { Timestamp = ts }, Now);
        var error = Assert.Single(r.Errors);
        Assert.Equal("timestamp", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Late_but_plausible_timestamp_is_accepted()
    {
        var r = _standardizer.Standardize(Valid() with { Timestamp = "2024-01-01T00:00:00Z" }, Now);
        Assert.True(r.IsValid);
    }

    [Fact]
    public void Unknown_currency_names_properties_currency()
    {
        var r = _standardizer.Standardize(Valid() with { Properties = new EventProperties().Set("amount", 1m).Set("currency", "GPB") }, Now);
        Assert.Equal("properties.currency", Assert.Single(r.Errors).Field);
    }

    [Fact]
    public void Amount_without_currency_is_rejected()
    {
        var r = _standardizer.Standardize(Valid() with { Properties = new EventProperties().Set("amount", 1m) }, Now);
        Assert.Equal("properties.currency", Assert.Single(r.Errors).Field);
    }

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("email", "a@@b.com")]
    [InlineData("phone", "12ab34")]
    public void Bad_identifiers_name_identifiers_dot_type(string type, string value)
    {
        var r = _standardizer.Standardize(Valid() with { Identifiers = new() { [type] = value } }, Now);
        Assert.Equal("identifiers." + type, Assert.Single(r.Errors).Field);
    }

    [Fact]
    public void Phone_without_plus_needs_a_default_country_code()
    {
        var strict = new EventStandardizer();
        var r = strict.Standardize(Valid() with { Identifiers = new() { ["phone"] = "020 7946 0958" } }, Now);
        Assert.Equal("identifiers.phone", Assert.Single(r.Errors).Field);
        Assert.Equal("+442079460958", IdentifierNormalizer.Phone("0044 20 7946 0958", null));
    }

    [Fact]
    public void Gmail_dot_rule_is_optional()
    {
        Assert.Equal("j.doe+x@gmail.com", IdentifierNormalizer.Email(" J.Doe+x@GMAIL.com"));
        Assert.Equal("jdoe@gmail.com", IdentifierNormalizer.Email(" J.Doe+x@GMAIL.com", gmailDotRule: true));
    }

    [Fact]
    public void Limits_on_identifiers_properties_and_string_length()
    {
        var s = new EventStandardizer(new EventValidationOptions { MaxIdentifiers = 1, MaxProperties = 1, MaxStringLength = 5 });
        var r = s.Standardize(Valid() with { Properties = new EventProperties().Set("a", "123456").Set("b", "x") }, Now);
        var fields = r.Errors.Select(e => e.Field).ToList();
        Assert.Contains("identifiers", fields);
        Assert.Contains("properties", fields);
        Assert.Contains("properties.a", fields);
    }

    [Fact]
    public void Unknown_channel_is_an_error_but_unknown_type_is_kept()
    {
        Assert.Equal("channel", Assert.Single(_standardizer.Standardize(Valid() with { Channel = "fax" }, Now).Errors).Field);
        var r = _standardizer.Standardize(Valid() with { Type = "wishlist_add", Properties = null }, Now);
        Assert.True(r.IsValid);
        Assert.Equal("wishlist_add", r.Event!.Type);
        Assert.Equal(Channel.CallCentre, _standardizer.Standardize(Valid() with { Channel = "call_centre" }, Now).Event!.Channel);
    }
}
