using System.Diagnostics;
using PersonalizationEngine.LoadGen.Metrics;
using PersonalizationEngine.LoadGen.Reporting;
using PersonalizationEngine.LoadGen.Running;
using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Cli;

/// <summary>Runs one scenario (warm-up, then the measured phase) and writes the report, JSON and plot.</summary>
public static class ScenarioRunner
{
    public static readonly string[] Scenarios = ["ingest", "segment-batch", "nbo", "mixed", "spike", "soak", "replay"];

    public static async Task<RunReport> RunAsync(RunSettings s, TextWriter log, CancellationToken cancellationToken)
    {
        using var sender = new HttpRequestSender(s.Url, s.Connections, s.Key, s.WriteKey);
        var payloads = new PayloadFactory(s.Sequential ? new SequentialSampler(s.Customers) : new ZipfSampler(s.Customers, s.Zipf), TimeProvider.System);
        var source = Source(s, payloads);
        if (s.WarmupSeconds > 0)
        {
            await log.WriteLineAsync($"warm-up {s.WarmupSeconds} s").ConfigureAwait(false);
            await RunPhaseAsync(s with { DurationSeconds = s.WarmupSeconds, Scenario = s.Scenario == "spike" ? "mixed" : s.Scenario }, sender, source, new RunRecorder(), cancellationToken).ConfigureAwait(false);
        }

        var recorder = new RunRecorder();
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ProgressAsync(recorder, s.Quiet ? TextWriter.Null : log, progressStop.Token);
        await RunPhaseAsync(s, sender, source, recorder, cancellationToken).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        await progressStop.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);
        var report = RunReport.From(s.Scenario, s.Mode, s.Url.ToString(), startedAt, elapsed, recorder);
        await log.WriteAsync(ConsoleReport.Final(report)).ConfigureAwait(false);
        if (s.JsonOut is not null)
        {
            await File.WriteAllTextAsync(s.JsonOut, ReportJson.Serialize(report), cancellationToken).ConfigureAwait(false);
        }

        if (s.PlotOut is not null)
        {
            await using var file = File.Create(s.PlotOut);
            SvgPlot.Write(file, $"{s.Scenario} against {s.Url} ({s.Mode})", report.Seconds);
        }

        return report;
    }

    private static IRequestSource Source(RunSettings s, PayloadFactory payloads) => s.Scenario switch
    {
        "ingest" => new ScenarioSource(payloads, 0, s.BatchSize, segment: false),
        "segment-batch" => new ScenarioSource(payloads, 0, s.BatchSize, segment: true),
        "nbo" => new ScenarioSource(payloads, 1, s.BatchSize, segment: false),
        "mixed" or "spike" or "soak" or "replay" => new ScenarioSource(payloads, s.QueryShare, s.BatchSize, segment: false),
        _ => throw new ArgumentException($"unknown scenario '{s.Scenario}'; one of {string.Join(", ", Scenarios)}", nameof(s)),
    };

    private static async Task RunPhaseAsync(RunSettings s, IRequestSender sender, IRequestSource source, RunRecorder recorder, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds(s.DurationSeconds);
        if (s.Scenario == "replay")
        {
            var path = Path.GetFullPath(s.Dataset);
            var schedule = RetailReplay.Read(path, s.SpeedUp, s.BatchSize, duration);
            await new OpenLoopRunner(sender, s.MaxInFlight).RunAsync(schedule, recorder, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (s.Rate <= 0)
        {
            await new ClosedLoopRunner(sender, s.Concurrency).RunAsync(source, duration, recorder, cancellationToken).ConfigureAwait(false);
            return;
        }

        var rate = s.Scenario == "spike"
            ? ArrivalSchedule.Spike(s.Rate, s.SpikeFactor, TimeSpan.FromSeconds(s.SpikeAtSeconds), TimeSpan.FromSeconds(s.SpikeLengthSeconds))
            : _ => s.Rate;
        await new OpenLoopRunner(sender, s.MaxInFlight).RunAsync(ArrivalSchedule.Generate(rate, duration, source), recorder, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ProgressAsync(RunRecorder recorder, TextWriter log, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await log.WriteLineAsync(ConsoleReport.Progress(recorder.Tick())).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended: record the last partial second so the plot reaches the end (unless nothing happened in it).
            if (recorder.Completed + recorder.Dropped > recorder.Seconds.Sum(x => x.Completed + x.Dropped))
            {
                await log.WriteLineAsync(ConsoleReport.Progress(recorder.Tick())).ConfigureAwait(false);
            }
        }
    }
}
