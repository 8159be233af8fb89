using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Running;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Tests;

public sealed class OpenLoopRunnerTests
{
    [Fact]
    public void Schedule_has_rate_times_duration_arrivals_at_even_spacing()
    {
        var schedule = ArrivalSchedule.Generate(_ => 500, TimeSpan.FromSeconds(2), new FixedSource()).ToList();
        Assert.Equal(1000, schedule.Count);
        Assert.Equal(TimeSpan.Zero, schedule[0].Offset);
        Assert.Equal(0.002, (schedule[1].Offset - schedule[0].Offset).TotalSeconds, 9);
    }

    [Fact]
    public void Spike_schedule_has_ten_times_the_arrivals_during_the_step()
    {
        var rate = ArrivalSchedule.Spike(100, 10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var schedule = ArrivalSchedule.Generate(rate, TimeSpan.FromSeconds(3), new FixedSource()).ToList();
        var during = schedule.Count(s => s.Offset >= TimeSpan.FromSeconds(1) && s.Offset < TimeSpan.FromSeconds(2));
        var before = schedule.Count(s => s.Offset < TimeSpan.FromSeconds(1));
        Assert.InRange(during, 995, 1005);
        Assert.Equal(100, before);
    }

    [Fact]
    public void Spike_schedule_total_is_exact()
    {
        var rate = ArrivalSchedule.Spike(500, 10, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        Assert.Equal(12_000, ArrivalSchedule.Generate(rate, TimeSpan.FromSeconds(6), new FixedSource()).Count());
    }

    [Fact]
    public async Task Runner_issues_rate_times_duration_requests()
    {
        var sender = new FakeSender(TimeSpan.Zero);
        var recorder = new RunRecorder();
        await new OpenLoopRunner(sender, 10_000).RunAsync(ArrivalSchedule.Generate(_ => 400, TimeSpan.FromSeconds(0.5), new FixedSource()), recorder, CancellationToken.None);
        Assert.Equal(200, sender.Calls);
        Assert.Equal(200, recorder.Completed);
        Assert.Equal(0, recorder.Dropped);
    }

    [Fact]
    public async Task Latency_is_measured_from_the_intended_send_time_so_it_includes_queueing()
    {
        // 50 requests due within 0.25 s, served one at a time at 20 ms each: the last one finishes about
        // 1 s after start, ~0.75 s after it was due. Measuring from the actual send would show ~20 ms.
        var sender = new FakeSender(TimeSpan.FromMilliseconds(20));
        var recorder = new RunRecorder();
        await new OpenLoopRunner(sender, 10_000).RunAsync(ArrivalSchedule.Generate(_ => 200, TimeSpan.FromSeconds(0.25), new FixedSource()), recorder, CancellationToken.None);
        Assert.Equal(50, recorder.Completed);
        Assert.True(recorder.Histogram.Max > 10 * 20_000, $"max {recorder.Histogram.Max} µs should include queueing behind 49 earlier requests");
        Assert.True(recorder.Histogram.Percentile(90) > recorder.Histogram.Percentile(10));
    }

    [Fact]
    public async Task Requests_beyond_the_in_flight_bound_are_dropped_and_counted()
    {
        var sender = new FakeSender(TimeSpan.FromMilliseconds(200));
        var recorder = new RunRecorder();
        await new OpenLoopRunner(sender, 2).RunAsync(ArrivalSchedule.Generate(_ => 100, TimeSpan.FromSeconds(0.1), new FixedSource()), recorder, CancellationToken.None);
        Assert.Equal(10, recorder.Sent + recorder.Dropped);
        Assert.True(recorder.Dropped >= 5, $"dropped {recorder.Dropped}");
    }

    [Fact]
    public async Task Refusals_are_counted_by_status_with_retry_after()
    {
        var recorder = new RunRecorder();
        await new OpenLoopRunner(new FakeSender(TimeSpan.Zero, 429), 100).RunAsync(ArrivalSchedule.Generate(_ => 100, TimeSpan.FromSeconds(0.1), new FixedSource()), recorder, CancellationToken.None);
        Assert.Equal(10, recorder.ByStatus[429]);
        Assert.Equal(10, recorder.Errors);
        Assert.Equal(10, recorder.RetryAfterPresent);
    }
}
