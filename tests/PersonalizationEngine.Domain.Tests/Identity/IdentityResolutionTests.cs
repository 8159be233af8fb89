using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Identity;
using PersonalizationEngine.Domain.Profiles;
using static PersonalizationEngine.Domain.Tests.Ev;

namespace PersonalizationEngine.Domain.Tests.Identity;

public sealed class IdentityResolutionTests
{
    /// <summary>A stand-in for the identity grains: identifier -> profile, and the profiles themselves.</summary>
    private sealed class Graph
    {
        private readonly IdentityResolver _resolver = new(new IdentityRules());
        private int _next;
        public Dictionary<string, string> Map { get; } = [];
        public Dictionary<string, CustomerProfile> Profiles { get; } = [];

        public IdentityDecision Ingest(CustomerEvent e)
        {
            var d = _resolver.Decide(e.Identifiers, k => Map.GetValueOrDefault(k), id => Profiles[id].Identifiers);
            if (d.Kind == IdentityDecisionKind.Reject) return d;
            var target = d.SurvivorProfileId ?? "p" + ++_next;
            if (!Profiles.TryGetValue(target, out var profile)) Profiles[target] = profile = new CustomerProfile(target);
            foreach (var m in d.MergedProfileIds)
            {
                profile.MergeFrom(Profiles[m], ProfileSettings.Default, e.Timestamp);
                foreach (var key in Map.Where(x => x.Value == m).Select(x => x.Key).ToList()) Map[key] = target;
                Profiles.Remove(m);
            }
            foreach (var (t, v) in d.Accepted) Map[t + ":" + v] = target;
            profile.Apply(e with { Identifiers = d.Accepted });
            return d;
        }
    }

    [Fact]
    public void Three_channels_become_one_profile_when_a_linking_event_arrives()
    {
        var g = new Graph();
        g.Ingest(Make(EventTypes.PageView, T0, Channel.Web, new() { ["anonymous_id"] = "anon-1" }));
        g.Ingest(Make(EventTypes.EmailOpen, T0.AddHours(1), Channel.Email, new() { ["email"] = "ann@example.com" }));
        g.Ingest(Purchase(T0.AddHours(2), 30m, new() { ["loyalty_id"] = "L-9" }));
        Assert.Equal(3, g.Profiles.Count);

        var link = g.Ingest(Make(EventTypes.Login, T0.AddHours(3), Channel.App,
            new() { ["user_id"] = "u-7", ["email"] = "ann@example.com", ["anonymous_id"] = "anon-1", ["loyalty_id"] = "L-9" }));

        Assert.Equal(IdentityDecisionKind.Merge, link.Kind);
        // The loyalty id has the highest priority among the mapped identifiers: its profile survives.
        Assert.Equal("p3", link.SurvivorProfileId);
        Assert.Equal(["p2", "p1"], link.MergedProfileIds);
        var one = Assert.Single(g.Profiles.Values);
        Assert.Equal(4, one.EventCount);
        Assert.Equal(30, one.Features(T0.AddHours(4))["monetary"]);
        Assert.Equal(["u-7"], one.Identifiers["user_id"]);
        Assert.Equal(["anon-1"], one.Identifiers["anonymous_id"]);
        Assert.All(g.Map.Values, v => Assert.Equal("p3", v));
    }

    [Fact]
    public void A_shared_device_does_not_merge_two_users()
    {
        var g = new Graph();
        g.Ingest(Make(EventTypes.Login, T0, ids: new() { ["user_id"] = "alice", ["device_id"] = "kiosk" }));
        var bob = g.Ingest(Make(EventTypes.Login, T0.AddMinutes(5), ids: new() { ["user_id"] = "bob", ["device_id"] = "kiosk" }));
        Assert.Equal(IdentityDecisionKind.Create, bob.Kind);
        var dropped = Assert.Single(bob.Dropped);
        Assert.Equal("device_id", dropped.Type);
        Assert.Contains("merge refused", dropped.Reason);
        Assert.Equal(2, g.Profiles.Count);
    }

    [Fact]
    public void Two_profiles_with_different_user_ids_are_not_merged_by_a_shared_email()
    {
        var g = new Graph();
        g.Ingest(Make(EventTypes.Login, T0, ids: new() { ["user_id"] = "u1", ["email"] = "shared@x.com" }));
        g.Ingest(Make(EventTypes.Login, T0, ids: new() { ["user_id"] = "u2", ["phone"] = "+447700900001" }));
        var d = g.Ingest(Make(EventTypes.PageView, T0, ids: new() { ["email"] = "shared@x.com", ["phone"] = "+447700900001" }));
        Assert.Equal(IdentityDecisionKind.Attach, d.Kind);
        Assert.Equal("p1", d.SurvivorProfileId);
        Assert.Equal("phone", Assert.Single(d.Dropped).Type);
        Assert.Equal(2, g.Profiles.Count);
    }

    [Fact]
    public void Blocked_values_are_dropped_with_a_reason()
    {
        var resolver = new IdentityResolver(new IdentityRules());
        var d = resolver.Decide(new Dictionary<string, string> { ["user_id"] = "null", ["anonymous_id"] = "anonymous", ["crm_id"] = "-1" },
            _ => "p-everyone", _ => new Dictionary<string, List<string>>());
        Assert.Equal(IdentityDecisionKind.Reject, d.Kind);
        Assert.Equal(3, d.Dropped.Count);
        Assert.All(d.Dropped, x => Assert.Equal("blocked value", x.Reason));
    }

    [Fact]
    public void Unmerge_restores_both_sides_with_their_events()
    {
        var settings = ProfileSettings.Default;
        var a = new CustomerProfile("A");
        var aIds = new Dictionary<string, string> { ["anonymous_id"] = "anon-a" };
        CustomerEvent[] aEvents = [Make(EventTypes.PageView, T0, ids: aIds), Purchase(T0.AddDays(1), 10m, aIds)];
        foreach (var e in aEvents) a.Apply(e);
        var b = new CustomerProfile("B");
        var bIds = new Dictionary<string, string> { ["email"] = "bob@x.com", ["user_id"] = "bob" };
        CustomerEvent[] bEvents = [Attr(T0.AddHours(2), Channel.Crm, "city", "Leeds", bIds), Purchase(T0.AddDays(2), 20m, bIds)];
        foreach (var e in bEvents) b.Apply(e);
        var asOf = T0.AddDays(3);
        var bBefore = b.Features(asOf);

        a.MergeFrom(b, settings, asOf);
        Assert.Equal(30, a.Features(asOf)["monetary"]);
        Assert.Equal("Leeds", a.Attributes["city"].Value);

        // The events as a journal keeps them: in append order, with a retried one twice (it counts once).
        CustomerEvent[] retained = [.. aEvents, .. bEvents, bEvents[1]];
        var split = a.Split(retained, new HashSet<string> { "email:bob@x.com", "user_id:bob" }, "B2", settings, asOf);
        Assert.True(split.Exact);
        var (remaining, moved) = (split.Remaining, split.Moved);
        Assert.Equal(2, remaining.EventCount);
        Assert.Equal(aEvents, split.RemainingEvents);
        Assert.Equal(bEvents, split.MovedEvents);
        Assert.Equal(10, remaining.Features(asOf)["monetary"]);
        Assert.False(remaining.Attributes.ContainsKey("city"));
        Assert.False(remaining.Identifiers.ContainsKey("email"));
        Assert.Equal("B2", moved.ProfileId);
        Assert.Equal("Leeds", moved.Attributes["city"].Value);
        Assert.Equal(["bob@x.com"], moved.Identifiers["email"]);
        Assert.Equal(bBefore["monetary"], moved.Features(asOf)["monetary"]);
        Assert.Equal(bBefore["recency_days"], moved.Features(asOf)["recency_days"]);
    }

    [Fact]
    public void Unmerge_from_fewer_events_than_were_applied_is_not_exact()
    {
        var a = new CustomerProfile("A");
        var ids = new Dictionary<string, string> { ["anonymous_id"] = "anon-a" };
        CustomerEvent[] events = [Make(EventTypes.PageView, T0, ids: ids), Purchase(T0.AddDays(1), 10m, ids), Make(EventTypes.PageView, T0.AddDays(2), ids: ids)];
        foreach (var e in events) a.Apply(e);

        // The oldest event was trimmed from the journal: the rest is redistributed, flagged inexact.
        var split = a.Split(events[1..], new HashSet<string> { "anonymous_id:anon-a" }, "A2", ProfileSettings.Default, T0.AddDays(3));
        Assert.False(split.Exact);
        Assert.Equal(2, split.Moved.EventCount);
        Assert.Equal(0, split.Remaining.EventCount);
    }

    [Fact]
    public void Hasher_is_keyed_stable_hex_and_masking_hides_the_value()
    {
        var h1 = new IdentifierHasher("0123456789abcdef0123456789abcdef"u8.ToArray());
        var h2 = new IdentifierHasher("another-secret-key-of-32-bytes!!"u8.ToArray());
        var k = h1.Hash("email", "ann@example.com");
        Assert.Equal(64, k.Length);
        Assert.Equal(k, h1.Hash("email", "ann@example.com"));
        // HMAC-SHA256 of "type:value" under the key, the same on every thread (each reuses its own keyed instance).
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("0123456789abcdef0123456789abcdef"u8, "email:ann@example.com"u8)), k);
        Assert.All(Enumerable.Range(0, 64).AsParallel().Select(i => (i, h1.Hash("email", i % 2 == 0 ? "ann@example.com" : $"u{i}@example.com"))).ToList(),
            r => Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("0123456789abcdef0123456789abcdef"u8,
                System.Text.Encoding.UTF8.GetBytes(r.i % 2 == 0 ? "email:ann@example.com" : $"email:u{r.i}@example.com"))), r.Item2));
        Assert.NotEqual(k, h2.Hash("email", "ann@example.com"));
        Assert.NotEqual(k, h1.Hash("user_id", "ann@example.com"));
        Assert.DoesNotContain("ann", k);
        Assert.Equal("a***@example.com", IdentifierMasker.Mask("email", "ann@example.com"));
        Assert.Equal("+4***01", IdentifierMasker.Mask("phone", "+447700900001"));
        Assert.Throws<ArgumentException>(() => new IdentifierHasher([1, 2, 3]));
    }

    [Fact]
    public void A_returning_customer_attaches_without_the_profile_lists_and_as_the_full_decision_would()
    {
        var resolver = new IdentityResolver(new IdentityRules());
        var map = new Dictionary<string, string> { ["user_id:u-1"] = "p1", ["email:a@example.com"] = "p1", ["user_id:u-2"] = "p2" };
        var profiles = new Dictionary<string, IReadOnlyDictionary<string, List<string>>>
        {
            ["p1"] = new Dictionary<string, List<string>> { ["user_id"] = ["u-1"], ["email"] = ["a@example.com"] },
            ["p2"] = new Dictionary<string, List<string>> { ["user_id"] = ["u-2"] },
        };
        var returning = new Dictionary<string, string> { ["user_id"] = "u-1", ["email"] = "a@example.com" };

        var fast = resolver.TryAttachKnown(returning, k => map.GetValueOrDefault(k));
        var full = resolver.Decide(returning, k => map.GetValueOrDefault(k), id => profiles[id]);

        Assert.NotNull(fast);
        Assert.Equal((full.Kind, full.SurvivorProfileId, full.MergedProfileIds.Count, full.Dropped.Count), (fast.Kind, fast.SurvivorProfileId, fast.MergedProfileIds.Count, fast.Dropped.Count));
        Assert.Equal(full.Accepted.OrderBy(p => p.Key), fast.Accepted.OrderBy(p => p.Key));
        // Anything else takes the full decision: a new identifier, two profiles, a blocked value.
        Assert.Null(resolver.TryAttachKnown(new Dictionary<string, string> { ["user_id"] = "u-1", ["email"] = "new@example.com" }, k => map.GetValueOrDefault(k)));
        Assert.Null(resolver.TryAttachKnown(new Dictionary<string, string> { ["user_id"] = "u-2", ["email"] = "a@example.com" }, k => map.GetValueOrDefault(k)));
        var blocking = new IdentityResolver(new IdentityRules { BlockedValues = new HashSet<string> { "u-1" } });
        Assert.Null(blocking.TryAttachKnown(new Dictionary<string, string> { ["user_id"] = "u-1" }, k => map.GetValueOrDefault(k)));
    }
}

public sealed class IdentifierHasherTests
{
    [Theory]
    [InlineData("email", "a@example.com")]
    [InlineData("user_id", "")]
    [InlineData("anonymous_id", "ünïcödé-😀-値")]
    [InlineData("phone", "+447700900123")]
    public void Hash_is_the_hmac_of_type_colon_value_as_lower_hex(string type, string value)
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes(type + ":" + value)));
        Assert.Equal(expected, new PersonalizationEngine.Domain.Identity.IdentifierHasher(key).Hash(type, value));
        var longValue = new string('x', 2000) + value;
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, System.Text.Encoding.UTF8.GetBytes(type + ":" + longValue))),
            new PersonalizationEngine.Domain.Identity.IdentifierHasher(key).Hash(type, longValue));
    }
}
