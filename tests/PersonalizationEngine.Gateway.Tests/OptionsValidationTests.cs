using Microsoft.Extensions.DependencyInjection;

namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Issue 17: a wrong configuration value stops the start with a message naming its key (and never quoting a secret).</summary>
public sealed class OptionsValidationTests
{
    private static string StartFailure(string key, string value, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string> { [key] = value };
        foreach (var (k, v) in more) settings[k] = v;
        using var engine = new SqliteEngineFactory(settings);
        var error = Record.Exception(() => engine.CreateClient());
        Assert.NotNull(error);
        return Flatten(error);
    }

    private static string Flatten(Exception e) => e is AggregateException a
        ? string.Join("\n", a.InnerExceptions.Select(Flatten))
        : e.Message + (e.InnerException is { } inner ? "\n" + Flatten(inner) : "");

    [Theory]
    [InlineData("Limits:IngestConcurrency", "0")]
    [InlineData("Limits:MaxRequestBodyBytes", "-5")]
    [InlineData("RateLimits:PermitsPerSecond", "0")]
    [InlineData("Decisioning:ControlShare", "1.5")]
    [InlineData("Decisioning:ControlShare", "lots")]
    [InlineData("Decisioning:RewardWait", "-00:01:00")]
    [InlineData("Decisioning:RewardWait", "soon")]
    [InlineData("Decisioning:RewardWaitByChannel:fax", "00:10:00")]
    [InlineData("Decisioning:RewardWaitByChannel:email", "00:00:00")]
    [InlineData("Decisioning:ExplorationPolicy", "greedy")]
    [InlineData("Decisioning:Context:Attributes:0:Kind", "colour")]
    [InlineData("Decisioning:Context:Attributes:0:Buckets", "1000")]
    [InlineData("Engine:SnapshotEveryEvents", "0")]
    [InlineData("Engine:SnapshotEveryEvents", "often")]
    [InlineData("Engine:ChurnRescoreInterval", "-00:01:00")]
    [InlineData("Actors:IdleTimeout", "soon")]
    [InlineData("Actors:SaturationFactor", "0.5")]
    [InlineData("Otlp:Endpoint", "collector:4317")]
    [InlineData("Auth:WriteKeys:shop", "too-short")]
    [InlineData("Storage:Journal:MaxBatchSize", "big")]
    [InlineData("Storage:Journal:QueueCapacity", "0")]
    [InlineData("Storage:Provider", "Oracle")]
    public void A_wrong_value_stops_the_start_naming_its_key(string key, string value)
    {
        var message = StartFailure(key, value);
        Assert.Contains(key, message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_master_key_is_named_but_never_quoted()
    {
        const string secret = "not-base64-but-secret-material!";
        var message = StartFailure("Engine:MasterKey", secret);
        Assert.Contains("Engine:MasterKey", message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused_naming_the_key()
    {
        Assert.Contains("ConnectionStrings:Postgres", StartFailure("Storage:Provider", "Postgres", ("ConnectionStrings:Postgres", "")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_demo_needs_its_write_key()
    {
        Assert.Contains("Demo:WriteKey", StartFailure("Demo:Enabled", "true", ("Demo:WriteKey", "")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_values_start_and_are_used()
    {
        using var engine = new SqliteEngineFactory(new Dictionary<string, string>
        {
            ["Limits:MaxRequestBodyBytes"] = "2048", ["Decisioning:ControlShare"] = "0",
            ["Decisioning:RewardWait"] = "00:05:00", ["Decisioning:RewardWaitByChannel:email"] = "3.00:00:00", ["Decisioning:ExplorationPolicy"] = "linucb",
            ["Decisioning:Context:Attributes:0:Name"] = "history_segment", ["Decisioning:Context:Attributes:0:Values:0"] = "new",
        });
        var c = engine.CreateClient();
        c.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DataApiTests.Admin);
        var r = await c.PostAsync("/api/v1/events", new StringContent(new string(' ', 4096)));
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        var catalog = engine.Services.GetRequiredService<PersonalizationEngine.Grains.Decisioning.DecisioningCatalog>();
        Assert.Equal(TimeSpan.FromMinutes(5), catalog.RewardWaitOf("web"));
        Assert.Equal(TimeSpan.FromDays(3), catalog.RewardWaitOf("email"));
        Assert.Equal(TimeSpan.FromMinutes(5), catalog.RewardWaitOf("store"));
        Assert.Equal(PersonalizationEngine.Learning.Bandits.ExplorationPolicy.LinUcb, catalog.ExplorationPolicy);
        Assert.Equal(11 + 2, catalog.Encoder.Dimension);
    }
}
