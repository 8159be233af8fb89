using PersonalizationEngine.Learning.Data;

namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>
/// Stratified k-fold cross-validation in which the whole pipeline — encoder vocabulary, blank fill values,
/// scaler, tree binning — is fitted inside each fold on that fold's training rows only. The trainer receives
/// only training rows, so it cannot see the held-out fold.
/// </summary>
public static class CrossValidation
{
    public static CrossValidationResult Run(
        TabularData data,
        int[] labels,
        IReadOnlyCollection<string> inputColumns,
        Func<double[][], int[], IBinaryClassifier> train,
        int folds,
        int seed,
        Action<FoldResult>? progress = null)
    {
        var outOfFold = new double[labels.Length];
        var results = new List<FoldResult>();
        foreach (var fold in StratifiedKFold.Split(labels, folds, seed))
        {
            var trainData = data.Select(fold.TrainIndices);
            var testData = data.Select(fold.TestIndices);
            var encoder = TabularEncoder.Fit(trainData, inputColumns);
            var xTrain = encoder.Transform(trainData);
            var yTrain = fold.TrainIndices.Select(i => labels[i]).ToArray();
            var model = train(xTrain, yTrain);
            var xTest = encoder.Transform(testData);
            var yTest = fold.TestIndices.Select(i => labels[i]).ToArray();
            var p = xTest.Select(model.PredictProbability).ToArray();
            for (var k = 0; k < p.Length; k++)
            {
                outOfFold[fold.TestIndices[k]] = p[k];
            }

            var result = new FoldResult(fold.Index + 1, Metrics.RocAuc(p, yTest), Metrics.AveragePrecision(p, yTest), Metrics.LogLoss(p, yTest), Metrics.Brier(p, yTest));
            results.Add(result);
            progress?.Invoke(result);
        }

        return new CrossValidationResult(results, outOfFold, labels);
    }
}
