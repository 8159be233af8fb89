namespace PersonalizationEngine.Gateway.Tests;

/// <summary>Issue 19: a wrong <c>Console</c> value stops the start with a message naming its key.</summary>
public sealed class ConsoleOptionsTests
{
    [Theory]
    [InlineData("Console:SampleInterval", "00:00:00")]
    [InlineData("Console:SampleInterval", "02:00:00")]
    [InlineData("Console:SampleInterval", "often")]
    [InlineData("Console:HistoryPoints", "1")]
    public void A_wrong_console_value_stops_the_start_naming_its_key(string key, string value)
    {
        using var engine = new SqliteEngineFactory(new Dictionary<string, string> { [key] = value });
        var error = Record.Exception(() => engine.CreateClient());
        Assert.NotNull(error);
        Assert.Contains(key, Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception e) => e is AggregateException a
        ? string.Join("\n", a.InnerExceptions.Select(Flatten))
        : e.Message + (e.InnerException is { } inner ? "\n" + Flatten(inner) : "");
}
