using System.Text.Json;
using PersonalizationEngine.Domain.Profiles;
using Xunit.Abstractions;

namespace PersonalizationEngine.Domain.Tests.Profiles;

/// <summary>
/// Memory per customer profile (issue 3 "must show" 4: goal 4 KB): GC heap delta over many profiles each
/// fed the 30 events of <see cref="RealisticCustomer"/>. The figure is printed, not asserted tightly (heap
/// deltas vary); run larger with PE_DOMAIN_MEMORY_PROFILES=10000.
/// </summary>
[Collection(nameof(MemoryCollection))]
public sealed class ProfileMemoryMeasurement(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 9, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Bytes_per_profile_with_a_realistic_feature_set()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("PE_DOMAIN_MEMORY_PROFILES"), out var n) ? n : 1000;
        var settings = ProfileSettings.Default;
        var profiles = new CustomerProfile[count];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var p = new CustomerProfile("profile-" + i);
            foreach (var e in RealisticCustomer.Events(i, Start)) p.Apply(e, settings, e.ReceivedAt);
            profiles[i] = p;
        }
        clock.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perProfile = (after - before) / (double)count;
        output.WriteLine($"{perProfile:0} bytes per profile over {count} profiles; " +
            $"{count * 30 / clock.Elapsed.TotalSeconds:0} events/s applied (including event creation, segment evaluation)");
        Assert.Equal(30, profiles[^1].EventCount);
        Assert.InRange(perProfile, 500, 8192);
        GC.KeepAlive(profiles);
    }

    /// <summary>
    /// The same customers as the CustomerGrain holds them after activation: read back from their snapshot JSON
    /// (every string is the snapshot's own copy unless the profile shares it).
    /// </summary>
    [Fact]
    public void Bytes_per_profile_restored_from_a_snapshot()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("PE_DOMAIN_MEMORY_PROFILES"), out var n) ? n : 1000;
        var settings = ProfileSettings.Default;
        var snapshots = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var p = new CustomerProfile("profile-" + i);
            foreach (var e in RealisticCustomer.Events(i, Start)) p.Apply(e, settings, e.ReceivedAt);
            snapshots[i] = JsonSerializer.SerializeToUtf8Bytes(p, JsonSerializerOptions.Web);
        }
        var profiles = new CustomerProfile[count];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < count; i++) profiles[i] = JsonSerializer.Deserialize<CustomerProfile>(snapshots[i], JsonSerializerOptions.Web)!;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perProfile = (after - before) / (double)count;
        output.WriteLine($"{perProfile:0} bytes per profile restored from its snapshot over {count} profiles");
        Assert.Equal(30, profiles[^1].EventCount);
        Assert.InRange(perProfile, 500, 8192);
        GC.KeepAlive(profiles);
        GC.KeepAlive(snapshots);
    }
}
