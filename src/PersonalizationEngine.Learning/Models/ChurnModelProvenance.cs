namespace PersonalizationEngine.Learning.Models;

/// <summary>
/// Where an artefact came from: the ML.NET trainer and its settings, the data it saw, when, the honest
/// (cross-validated) figures measured for that recipe, and the ML.NET model zip written next to it for audit
/// (its file name and SHA-256, so the zip can be matched to the artefact later).
/// </summary>
public sealed record ChurnModelProvenance
{
    public required string Trainer { get; init; }

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public required string Data { get; init; }

    public int Rows { get; init; }

    public int Positives { get; init; }

    public string? DataSha256 { get; init; }

    public DateTimeOffset TrainedAt { get; init; }

    /// <summary>Cross-validated figures for this recipe (e.g. <c>cv_roc_auc_mean</c>), not training-set fit.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public string? MlNetModel { get; init; }

    public string? MlNetModelSha256 { get; init; }
}
