using System.Text;
using PersonalizationEngine.Domain.Profiles;

namespace PersonalizationEngine.Domain.Tests.Profiles;

public sealed class HashAndConsentLookupTests
{
    // The reference: 64-bit FNV-1a over the UTF-8 bytes, as stored in snapshots (the dedup set), so it must not change.
    private static long Reference(string s)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return unchecked((long)hash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("evt-1")]
    [InlineData("événement-ü-😀")]
    public void Event_id_hash_is_fnv1a_of_the_utf8_bytes(string id) => Assert.Equal(Reference(id), EventIdHash.Of(id));

    [Fact]
    public void Event_id_hash_of_long_ids_uses_the_same_bytes()
    {
        var id = string.Concat(Enumerable.Repeat("ä1-", 400)); // 1,600 UTF-8 bytes: beyond the stack buffer
        Assert.Equal(Reference(id), EventIdHash.Of(id));
    }

    [Fact]
    public void Prefixed_hash_equals_the_hash_of_the_joined_string()
    {
        Assert.Equal(Reference("control:0193a"), EventIdHash.Of("control:", "0193a"));
        Assert.Equal(14695981039346656037UL, unchecked((ulong)EventIdHash.Of("", "")));
    }

    [Fact]
    public void Refusal_is_read_for_purpose_and_channel_first_then_for_the_purpose()
    {
        var at = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var profile = new CustomerProfile("p1");
        profile.Consents["marketing:web"] = new ConsentState(false, at, "test");
        profile.Consents["marketing"] = new ConsentState(true, at, "test");
        profile.Consents["offers"] = new ConsentState(false, at, "test");
        var context = new ProfileConditionContext(profile, new Dictionary<string, double>());

        Assert.True(context.IsRefused("marketing", "web"));
        Assert.False(context.IsRefused("marketing", "app"));
        Assert.True(context.IsRefused("offers", "web"));
        Assert.False(context.IsRefused("analytics", "web"));
        Assert.False(context.IsRefused(new string('x', 300), "web"));
    }

    [Fact]
    public void Refusal_lookup_works_on_a_consent_map_with_the_default_comparer()
    {
        var at = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var profile = new CustomerProfile("p2") { Consents = new Dictionary<string, ConsentState> { ["marketing:web"] = new(false, at, "test") } };
        Assert.True(new ProfileConditionContext(profile, new Dictionary<string, double>()).IsRefused("marketing", "web"));
    }
}
