using System.Security.Cryptography;
using PersonalizationEngine.Grains.Protection;

namespace PersonalizationEngine.Grains.Tests;

public sealed class ProtectorTests
{
    [Fact]
    public void Alternating_keys_on_one_thread_each_open_only_their_own_payloads()
    {
        byte[] a = CustomerDataProtector.NewDataKey(), b = CustomerDataProtector.NewDataKey();
        var sealedA = CustomerDataProtector.Seal(a, "p1", "alpha"u8);
        var sealedB = CustomerDataProtector.Seal(b, "p1", "beta"u8);
        var sealedA2 = CustomerDataProtector.Seal(a, "p1", "gamma"u8);

        Assert.Equal("alpha"u8.ToArray(), CustomerDataProtector.Open(a, "p1", sealedA));
        Assert.Equal("beta"u8.ToArray(), CustomerDataProtector.Open(b, "p1", sealedB));
        Assert.Equal("gamma"u8.ToArray(), CustomerDataProtector.Open(a, "p1", sealedA2));
        // The cipher kept for the last key must not open another key's payload.
        Assert.ThrowsAny<CryptographicException>(() => CustomerDataProtector.Open(b, "p1", sealedA));
        // A key with the same bytes in another array is the same key.
        Assert.Equal("alpha"u8.ToArray(), CustomerDataProtector.Open((byte[])a.Clone(), "p1", sealedA));
    }

    [Fact]
    public void A_payload_moved_to_another_customer_or_tampered_with_does_not_open()
    {
        var key = CustomerDataProtector.NewDataKey();
        var sealedData = CustomerDataProtector.Seal(key, "p1", "secret"u8);
        Assert.ThrowsAny<CryptographicException>(() => CustomerDataProtector.Open(key, "p2", sealedData));
        sealedData[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => CustomerDataProtector.Open(key, "p1", sealedData));
    }

    [Fact]
    public void Nonces_are_unique_across_many_seals_and_threads()
    {
        var key = CustomerDataProtector.NewDataKey();
        var nonces = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        Parallel.For(0, 20_000, i =>
        {
            var sealedData = CustomerDataProtector.Seal(key, "p1", BitConverter.GetBytes(i));
            Assert.True(nonces.TryAdd(Convert.ToHexString(sealedData, 0, 12), true));
            Assert.Equal(i, BitConverter.ToInt32(CustomerDataProtector.Open(key, "p1", sealedData)));
        });
        Assert.Equal(20_000, nonces.Count);
    }
}

public sealed class JournalPayloadJsonTests
{
    [Fact]
    public void Source_generated_payload_json_is_byte_identical_to_the_reflection_serialiser_and_round_trips()
    {
        var t = new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.FromHours(1));
        var props = new Domain.Events.EventProperties()
            .Set("amount", 59.97m).Set("currency", "GBP").Set("tags", ["a", "b"])
            .Add(new Domain.Events.LineItem { Sku = "s1", Category = "shoes", Brand = null, Quantity = 2, UnitPrice = 19.99m });
        var events = new[]
        {
            new Domain.Events.CustomerEvent
            {
                EventId = "e-1", Identifiers = new Dictionary<string, string> { ["email"] = "a@example.com", ["user_id"] = "u1" },
                Channel = Domain.Events.Channel.App, Type = "purchase", Timestamp = t, ReceivedAt = t.AddSeconds(1.5), Properties = props,
            },
            new Domain.Events.CustomerEvent { EventId = "e-2", Identifiers = new Dictionary<string, string>(), Type = "page_view" },
        };
        foreach (var e in events)
        {
            var reflection = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e, System.Text.Json.JsonSerializerOptions.Web);
            var generated = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e, Customers.CustomerJsonContext.Default.CustomerEvent);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(reflection), System.Text.Encoding.UTF8.GetString(generated));
            var back = System.Text.Json.JsonSerializer.Deserialize(reflection, Customers.CustomerJsonContext.Default.CustomerEvent)!;
            Assert.Equal(reflection, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(back, System.Text.Json.JsonSerializerOptions.Web));
        }
    }
}
