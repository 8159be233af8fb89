namespace PersonalizationEngine.LoadGen.Cli;

/// <summary>Parsed options of one run. <see cref="Rate"/> &gt; 0 selects open loop, 0 closed loop.</summary>
public sealed record RunSettings
{
    public required string Scenario { get; init; }
    public required Uri Url { get; init; }
    public string? Key { get; init; }
    public string? WriteKey { get; init; }
    public double Rate { get; init; }
    public double DurationSeconds { get; init; } = 10;
    public int Connections { get; init; } = 64;
    public int Concurrency { get; init; } = 64;
    public int MaxInFlight { get; init; } = 10_000;
    public int BatchSize { get; init; } = 100;
    public int Customers { get; init; } = 100_000;
    public double Zipf { get; init; } = 1.1;
    public bool Sequential { get; init; }
    public double QueryShare { get; init; } = 0.2;
    public double WarmupSeconds { get; init; }
    public double SpikeFactor { get; init; } = 10;
    public double SpikeAtSeconds { get; init; } = 10;
    public double SpikeLengthSeconds { get; init; } = 30;
    public double SpeedUp { get; init; } = 1000;
    public string Dataset { get; init; } = "../shared/datasets/online-retail.csv.gz";
    public string? JsonOut { get; init; }
    public string? PlotOut { get; init; }
    public bool Quiet { get; init; }

    public string Mode => Rate > 0 || Scenario is "replay" ? "open-loop" : "closed-loop";
}
