using System.Diagnostics;
using PersonalizationEngine.LoadGen.Running;

namespace PersonalizationEngine.LoadGen.Tests;

public sealed class PacerTests
{
    [Theory]
    [InlineData(50)]
    [InlineData(700)]
    [InlineData(5_000)]
    public void Never_returns_before_the_due_time(int micros)
    {
        for (var i = 0; i < 20; i++)
        {
            var due = Stopwatch.GetTimestamp() + micros * Stopwatch.Frequency / 1_000_000;
            Pacer.WaitUntil(due, CancellationToken.None);
            Assert.True(Stopwatch.GetTimestamp() >= due);
        }
    }

    [Fact]
    public void Returns_at_once_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var started = Stopwatch.GetTimestamp();
        Pacer.WaitUntil(started + 60 * Stopwatch.Frequency, cts.Token);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30));
    }
}
