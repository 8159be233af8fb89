using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Learning.Tests;

/// <summary>
/// The Telco file encoded once, and an ML.NET logistic regression and FastTree model trained on every row
/// (about two seconds), shared by the tests that check the exported artefacts against ML.NET.
/// </summary>
public sealed class TelcoFixture
{
    public TelcoFixture()
    {
        var (data, labels, inputs) = TelcoChurn.Load(DatasetPaths.Find("telco-customer-churn.csv"), engineerFeatures: true);
        Data = data;
        Labels = labels;
        Inputs = inputs;
        var encoder = TabularEncoder.Fit(data, inputs);
        Names = [.. encoder.FeatureNames];
        X = encoder.Transform(data);
        var date = new DateOnly(2026, 12, 1);
        Logistic = ChurnTrainer.Fit(X, labels, Names, new LogisticLearner(), date, descriptions: ChurnFeatureDescriptions.Telco);
        Trees = ChurnTrainer.Fit(X, labels, Names, new FastTreeLearner(Leaves: 8, Trees: 200), date, descriptions: ChurnFeatureDescriptions.Telco);
    }

    public TabularData Data { get; }

    public int[] Labels { get; }

    public string[] Inputs { get; }

    public string[] Names { get; }

    public double[][] X { get; }

    public TrainedChurnModel Logistic { get; }

    public TrainedChurnModel Trees { get; }

    public Dictionary<string, double> Row(int i) => Names.Select((n, j) => (n, j)).ToDictionary(t => t.n, t => X[i][t.j]);
}
