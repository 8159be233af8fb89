using Microsoft.Extensions.Options;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Gateway.Options;

/// <summary>Checks the <c>Console</c> section: a sampling interval of 1 s to 1 h and 10 to 100,000 samples kept.</summary>
internal sealed class ConsoleHistoryOptionsValidator : IValidateOptions<ConsoleHistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleHistoryOptions o) => new OptionsCheck(ConsoleHistoryOptions.Section)
        .That(o.SampleInterval >= TimeSpan.FromSeconds(1) && o.SampleInterval <= TimeSpan.FromHours(1), nameof(o.SampleInterval), $"must be 00:00:01 to 01:00:00 (was {o.SampleInterval}).")
        .Range(nameof(o.HistoryPoints), o.HistoryPoints, 10, 100_000)
        .Result();
}
