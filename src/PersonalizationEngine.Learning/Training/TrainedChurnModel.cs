using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Learning.Training;

/// <summary>
/// An ML.NET model and the engine artefact exported from it. ML.NET scores in batches here (evaluation, the
/// equivalence check); the engine scores the artefact.
/// </summary>
public sealed class TrainedChurnModel
{
    private readonly MLContext _ml;

    internal TrainedChurnModel(MLContext ml, ITransformer model, DataViewSchema inputSchema, ChurnModel artefact, ChurnLearner learner)
    {
        _ml = ml;
        Model = model;
        InputSchema = inputSchema;
        Artefact = artefact;
        Learner = learner;
    }

    public ITransformer Model { get; }

    public DataViewSchema InputSchema { get; }

    public ChurnModel Artefact { get; }

    public ChurnLearner Learner { get; }

    /// <summary>ML.NET's calibrated probabilities for dense rows, in order (a batch transform, no PredictionEngine).</summary>
    public float[] PredictProbabilities(IReadOnlyList<double[]> x)
    {
        var scored = Model.Transform(ChurnDataView.Create(_ml, x, null, Artefact.FeatureNames));
        return [.. scored.GetColumn<float>("Probability")];
    }

    /// <summary>Scores held-out rows with ML.NET and evaluates them with ML.NET's binary classification evaluator.</summary>
    public HoldOutEvaluation Evaluate(IReadOnlyList<double[]> x, IReadOnlyList<int> y)
    {
        var scored = Model.Transform(ChurnDataView.Create(_ml, x, y, Artefact.FeatureNames));
        var metrics = _ml.BinaryClassification.Evaluate(scored, ChurnDataView.Label);
        var p = scored.GetColumn<float>("Probability").ToArray();
        var brier = Evaluation.Metrics.Brier([.. p.Select(v => (double)v)], y);
        return new HoldOutEvaluation(metrics.AreaUnderRocCurve, metrics.AreaUnderPrecisionRecallCurve, metrics.LogLoss * Math.Log(2), metrics.LogLoss, brier, p);
    }

    /// <summary>
    /// ML.NET's own single-row path, for comparison only (benchmarks): a <c>PredictionEngine</c> is not
    /// thread-safe and costs milliseconds to create, which is why the engine scores the exported artefact.
    /// </summary>
    public Func<double[], float> CreatePredictionEngine() => ChurnDataView.CreatePredictor(_ml, Model, Artefact.FeatureNames);

    /// <summary>Saves the ML.NET model zip (kept next to the artefact for audit); returns its SHA-256.</summary>
    public string SaveMlNetModel(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _ml.Model.Save(Model, InputSchema, path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
