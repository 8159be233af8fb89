using System.Text.Json;
using System.Text.Json.Serialization;
using PersonalizationEngine.Learning.Linear;
using PersonalizationEngine.Learning.Trees;

namespace PersonalizationEngine.Learning.Models;

/// <summary>
/// The versioned churn model artefact the engine loads. Features are addressed by name; a feature missing
/// from the input takes its training mean (for logistic regression that is a zero contribution).
/// Band: probability ≥ <see cref="HighThreshold"/> is high, ≥ <see cref="MediumThreshold"/> medium, else low.
/// </summary>
public sealed record ChurnModel
{
    private static readonly JsonSerializerOptions _json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public required ChurnModelKind Kind { get; init; }

    public required string Version { get; init; }

    public required string[] FeatureNames { get; init; }

    /// <summary>Training means (the fill value for a missing feature) and scales (standardisation for LR).</summary>
    public required double[] Means { get; init; }

    public required double[] Scales { get; init; }

    public double[]? Coefficients { get; init; }

    public double Intercept { get; init; }

    public double BaseScore { get; init; }

    public RegressionTree[]? Trees { get; init; }

    public double MediumThreshold { get; init; } = 0.3;

    public double HighThreshold { get; init; } = 0.6;

    public int ReasonCount { get; init; } = 3;

    public static ChurnModel FromLogistic(LogisticModel model, IReadOnlyList<string> featureNames, string version) => new()
    {
        Kind = ChurnModelKind.LogisticRegression,
        Version = version,
        FeatureNames = [.. featureNames],
        Means = model.Scaler.Means,
        Scales = model.Scaler.Scales,
        Coefficients = model.Coefficients,
        Intercept = model.Intercept,
    };

    public static ChurnModel FromTrees(GbtModel model, IReadOnlyList<string> featureNames, StandardScaler means, string version) => new()
    {
        Kind = ChurnModelKind.GradientBoostedTrees,
        Version = version,
        FeatureNames = [.. featureNames],
        Means = means.Means,
        Scales = means.Scales,
        BaseScore = model.BaseScore,
        Trees = [.. model.Trees],
    };

    /// <summary>A version string like <c>churn-lr-2026-11-24-1a2b3c4d</c>: kind, date and a hash of the parameters.</summary>
    public static string MakeVersion(string kind, DateOnly date, string parametersJson)
    {
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(parametersJson)))[..8];
        return $"churn-{kind}-{date:yyyy-MM-dd}-{hash}";
    }

    public string ToJson() => JsonSerializer.Serialize(this, _json);

    public static ChurnModel FromJson(string json) =>
        (JsonSerializer.Deserialize<ChurnModel>(json, _json) ?? throw new InvalidDataException("Empty churn model JSON.")).Validated();

    /// <summary>Rejects an artefact whose arrays disagree, so a bad file fails at load rather than mid-scoring.</summary>
    public ChurnModel Validated()
    {
        var d = FeatureNames.Length;
        if (Means.Length != d || Scales.Length != d)
        {
            throw new InvalidDataException($"Model {Version}: {nameof(Means)}/{nameof(Scales)} must have {d} entries, one per feature.");
        }

        if (Kind == ChurnModelKind.LogisticRegression && Coefficients?.Length != d)
        {
            throw new InvalidDataException($"Model {Version}: {nameof(Coefficients)} must have {d} entries.");
        }

        if (Kind == ChurnModelKind.GradientBoostedTrees && (Trees is null || Trees.Any(t => t.Feature.Any(f => f >= d))))
        {
            throw new InvalidDataException($"Model {Version}: {nameof(Trees)} missing or splitting on an unknown feature.");
        }

        if (!(MediumThreshold <= HighThreshold))
        {
            throw new InvalidDataException($"Model {Version}: {nameof(MediumThreshold)} must not exceed {nameof(HighThreshold)}.");
        }

        return this;
    }

    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, ToJson());
    }

    public static ChurnModel Load(string path) => FromJson(File.ReadAllText(path));

    /// <summary>Scores one customer. Allocates only the reasons list; everything else lives on the stack.</summary>
    public ChurnScore Score(IReadOnlyDictionary<string, double> features)
    {
        var d = FeatureNames.Length;
        Span<double> x = d <= 256 ? stackalloc double[d] : new double[d];
        Span<double> contributions = d <= 256 ? stackalloc double[d] : new double[d];
        contributions.Clear();
        for (var j = 0; j < d; j++)
        {
            x[j] = features.TryGetValue(FeatureNames[j], out var v) && double.IsFinite(v) ? v : Means[j];
        }

        double margin;
        if (Kind == ChurnModelKind.LogisticRegression)
        {
            var coefficients = Coefficients ?? throw new InvalidDataException("Logistic model without coefficients.");
            margin = Intercept;
            for (var j = 0; j < d; j++)
            {
                var c = coefficients[j] * (x[j] - Means[j]) / Scales[j];
                contributions[j] = c;
                margin += c;
            }
        }
        else
        {
            var trees = Trees ?? throw new InvalidDataException("Tree model without trees.");
            margin = BaseScore;
            foreach (var tree in trees)
            {
                margin += tree.PredictAndAddContributions(x, contributions);
            }
        }

        var probability = DenseMath.Sigmoid(margin);
        var band = probability >= HighThreshold ? RiskBand.High : probability >= MediumThreshold ? RiskBand.Medium : RiskBand.Low;
        return new ChurnScore(probability, band, TopReasons(contributions), Version);
    }

    private Reason[] TopReasons(ReadOnlySpan<double> contributions)
    {
        // Partial selection of the k largest positive contributions: k is tiny, so k passes beat a sort.
        Span<int> chosen = stackalloc int[Math.Min(ReasonCount, contributions.Length)];
        var count = 0;
        for (var k = 0; k < chosen.Length; k++)
        {
            var best = -1;
            for (var j = 0; j < contributions.Length; j++)
            {
                if (contributions[j] > 0 && (best < 0 || contributions[j] > contributions[best]) && !chosen[..count].Contains(j))
                {
                    best = j;
                }
            }

            if (best < 0)
            {
                break;
            }

            chosen[count++] = best;
        }

        var reasons = new Reason[count];
        for (var k = 0; k < count; k++)
        {
            reasons[k] = new Reason(FeatureNames[chosen[k]], contributions[chosen[k]]);
        }

        return reasons;
    }
}
