using Microsoft.Extensions.Options;
using PersonalizationEngine.Gateway.Security;

namespace PersonalizationEngine.Gateway.Options;

/// <summary>
/// Start-time checks of the sections the engine's services read (<c>Engine</c>, <c>Actors</c>,
/// <c>Decisioning</c>) and of <c>Auth</c>: each is bound with <c>BindConfiguration</c> (a value of the wrong type
/// fails naming its key) and validated with messages that name the key, so a wrong value stops the start instead
/// of a <c>FormatException</c> later or a silently ignored setting (Decisioning used to fall back to its default).
/// The grains keep their own option types; these mirror the keys they read.
/// </summary>
public sealed class EngineSectionOptions
{
    public const string Section = "Engine";

    /// <summary>A secret: checked for shape only, never logged or quoted.</summary>
    public string? MasterKey { get; set; }

    /// <summary>A secret: checked for shape only, never logged or quoted.</summary>
    public string? IdentifierKey { get; set; }

    public int SnapshotEveryEvents { get; set; } = 100;
    public int UnmergeRetainEvents { get; set; } = 64;
    public int MaxInFlightEvents { get; set; } = 20_000;
    public TimeSpan ChurnRescoreInterval { get; set; } = TimeSpan.FromDays(1);

    internal sealed class Validator : IValidateOptions<EngineSectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, EngineSectionOptions o) => new OptionsCheck(Section)
            .That(o.MasterKey is null || Base64Length(o.MasterKey) == 32, nameof(MasterKey), "must be base64 of exactly 32 bytes (openssl rand -base64 32).")
            .That(o.IdentifierKey is null || Base64Length(o.IdentifierKey) >= 16, nameof(IdentifierKey), "must be base64 of at least 16 bytes (openssl rand -base64 32).")
            .Range(nameof(SnapshotEveryEvents), o.SnapshotEveryEvents, 1, 1_000_000)
            .Range(nameof(UnmergeRetainEvents), o.UnmergeRetainEvents, 0, 100_000)
            .Range(nameof(MaxInFlightEvents), o.MaxInFlightEvents, 1, 100_000_000)
            .Positive(nameof(ChurnRescoreInterval), o.ChurnRescoreInterval)
            .Result();

        private static int Base64Length(string text)
        {
            var buffer = new byte[text.Length];
            return Convert.TryFromBase64String(text, buffer, out var written) ? written : -1;
        }
    }
}

/// <summary>The actor runtime's settings (section <c>Actors</c>).</summary>
public sealed class ActorsSectionOptions
{
    public const string Section = "Actors";

    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);
    public int MaxActivations { get; set; } = 1_000_000;
    public double SaturationFactor { get; set; } = 1.25;

    internal sealed class Validator : IValidateOptions<ActorsSectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, ActorsSectionOptions o) => new OptionsCheck(Section)
            .Positive(nameof(IdleTimeout), o.IdleTimeout)
            .Range(nameof(MaxActivations), o.MaxActivations, 1, int.MaxValue)
            .Range(nameof(SaturationFactor), o.SaturationFactor, 1, 100)
            .Result();
    }
}

/// <summary>Decisioning settings (section <c>Decisioning</c>; the grains read the same keys in DecisioningCatalog).</summary>
public sealed class DecisioningSectionOptions
{
    public const string Section = "Decisioning";

    public double ControlShare { get; set; } = 0.05;

    /// <summary>Thompson sampling's posterior scale v (LinUCB's α, ε-greedy's ε).</summary>
    public double Exploration { get; set; } = Grains.Decisioning.DecisioningCatalog.DefaultExploration;

    /// <summary><c>thompson</c> (default), <c>linucb</c> or <c>epsilon-greedy</c>.</summary>
    public string ExplorationPolicy { get; set; } = "thompson";

    public double HighChurnThreshold { get; set; } = 0.6;

    /// <summary>One reward wait for every channel (overrides the per-channel defaults); null keeps them.</summary>
    public TimeSpan? RewardWait { get; set; }

    /// <summary>The reward wait of one channel (<c>Decisioning:RewardWaitByChannel:email</c>).</summary>
    public Dictionary<string, TimeSpan> RewardWaitByChannel { get; set; } = [];

    public double ConversionWindowHours { get; set; } = 24;

    /// <summary>What the offer models learn from (<c>Decisioning:Context</c>).</summary>
    public Domain.Decisioning.ContextSpec Context { get; set; } = new();

    internal sealed class Validator : IValidateOptions<DecisioningSectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, DecisioningSectionOptions o)
        {
            var check = new OptionsCheck(Section)
                .Range(nameof(ControlShare), o.ControlShare, 0, 1)
                .Range(nameof(Exploration), o.Exploration, 0, 100)
                .That(Learning.Bandits.OfferExploration.TryParse(o.ExplorationPolicy, out _), nameof(ExplorationPolicy), "must be thompson, linucb or epsilon-greedy.")
                .That(!Learning.Bandits.OfferExploration.TryParse(o.ExplorationPolicy, out var p) || p != Learning.Bandits.ExplorationPolicy.EpsilonGreedy || o.Exploration <= 1,
                    nameof(Exploration), "is ε for epsilon-greedy and must be 0 to 1.")
                .Range(nameof(HighChurnThreshold), o.HighChurnThreshold, 0, 1)
                .Range(nameof(ConversionWindowHours), o.ConversionWindowHours, 0.01, 90 * 24);
            if (o.RewardWait is { } wait) check.Positive(nameof(RewardWait), wait);
            foreach (var (channel, w) in o.RewardWaitByChannel)
            {
                check.That(Domain.Events.ChannelNames.TryParse(channel, out _), $"RewardWaitByChannel:{channel}", "names no channel (web, app, email, sms, push, store, call_centre, crm, social, ads).");
                check.Positive($"RewardWaitByChannel:{channel}", w);
            }
            foreach (var (key, message) in o.Context.Validate("Context"))
            {
                check.That(false, key, message);
            }
            return check.Result();
        }
    }
}

/// <summary>The bootstrap keys (section <c>Auth</c>, options type owned by Security): long enough to be keys.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var check = new OptionsCheck("Auth")
            .That(string.IsNullOrEmpty(o.AdminKey) || o.AdminKey.Length >= ApiKeyRegistry.MinimumKeyLength, nameof(o.AdminKey), $"must be at least {ApiKeyRegistry.MinimumKeyLength} characters.");
        foreach (var w in o.WriteKeys)
        {
            check.That(w.Key is { Length: >= ApiKeyRegistry.MinimumKeyLength }, $"WriteKeys:{w.Source}", $"must be at least {ApiKeyRegistry.MinimumKeyLength} characters.");
        }
        return check.Result();
    }
}
