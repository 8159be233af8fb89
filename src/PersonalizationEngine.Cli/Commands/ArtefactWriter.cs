using System.Reflection;
using System.Security.Cryptography;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// Writes the engine artefact (JSON, what <c>PUT /api/v1/models/churn</c> takes) and, next to it, the ML.NET
/// model zip for audit (<c>x.json</c> → <c>x.mlnet.zip</c>); the artefact's provenance records the trainer,
/// the data, the cross-validated figures of the recipe and the zip's SHA-256.
/// </summary>
internal static class ArtefactWriter
{
    public static (ChurnModel Model, string ZipPath) Write(TrainedChurnModel trained, string outPath, string dataPath, int positives, int rows, CrossValidationResult? cv)
    {
        var zipPath = Path.ChangeExtension(outPath, null) + ".mlnet.zip";
        var zipHash = trained.SaveMlNetModel(zipPath);
        var metrics = new Dictionary<string, double>();
        if (cv is not null)
        {
            void Add(string name, Func<FoldResult, double> metric)
            {
                var (mean, sd) = cv.Summary(metric);
                metrics[$"cv_{name}_mean"] = Math.Round(mean, 6);
                metrics[$"cv_{name}_sd"] = Math.Round(sd, 6);
            }

            Add("roc_auc", f => f.RocAuc);
            Add("pr_auc", f => f.AveragePrecision);
            Add("log_loss", f => f.LogLoss);
            Add("brier", f => f.Brier);
            metrics["cv_ece"] = Math.Round(Metrics.ExpectedCalibrationError(cv.Calibration), 6);
            metrics["cv_folds"] = cv.Folds.Count;
        }

        var parameters = new Dictionary<string, string>(trained.Learner.Parameters) { ["mlnet"] = MlNetVersion() };
        var model = trained.Artefact with
        {
            Provenance = new ChurnModelProvenance
            {
                Trainer = $"ML.NET {trained.Learner.Trainer}",
                Parameters = parameters,
                Data = Path.GetFileName(dataPath),
                DataSha256 = File.Exists(dataPath) ? Sha256(dataPath) : null,
                Rows = rows,
                Positives = positives,
                TrainedAt = DateTimeOffset.UtcNow,
                Metrics = metrics,
                MlNetModel = Path.GetFileName(zipPath),
                MlNetModelSha256 = zipHash,
            },
        };
        model.Save(outPath);
        return (model, zipPath);
    }

    /// <summary>The package version (e.g. 5.0.1); ML.NET's assembly version is a constant 1.0.0.0.</summary>
    private static string MlNetVersion()
    {
        var informational = typeof(Microsoft.ML.MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? informational[..plus] : informational;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
