using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Models;
using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>
/// Stratified k-fold cross-validation of ML.NET learners on the project's own folds (<see cref="StratifiedKFold"/>,
/// so figures compare with earlier runs). The whole pipeline (one-hot vocabulary, blank fill values, ML.NET's
/// normaliser, tree binning) is fitted inside each fold on that fold's training rows only. With several
/// candidate learners, each outer fold picks one by an inner stratified CV on its training rows (nested CV),
/// so the outer figure is not tuned on the rows it is measured on.
/// </summary>
public static class ChurnCrossValidation
{
    public const int InnerFolds = 3;

    /// <summary>Tabular data (Telco layout): the encoder is fitted on each fold's training rows.</summary>
    public static CrossValidationResult Run(
        TabularData data,
        int[] labels,
        IReadOnlyCollection<string> inputColumns,
        IReadOnlyList<ChurnLearner> candidates,
        int folds,
        int seed,
        Action<CvProgress>? progress = null,
        Action<FoldResult>? foldDone = null) =>
        Run(labels, fold =>
        {
            var train = data.Select(fold.TrainIndices);
            var test = data.Select(fold.TestIndices);
            var encoder = TabularEncoder.Fit(train, inputColumns);
            return new FoldData(encoder.Transform(train), Pick(labels, fold.TrainIndices), encoder.Transform(test), Pick(labels, fold.TestIndices), [.. encoder.FeatureNames]);
        }, candidates, folds, seed, progress, foldDone);

    /// <summary>Named feature rows (the grains' feature views): names and fill values from each fold's training rows.</summary>
    public static CrossValidationResult Run(
        IReadOnlyList<IReadOnlyDictionary<string, double>> rows,
        int[] labels,
        IReadOnlyList<ChurnLearner> candidates,
        int folds,
        int seed,
        Action<CvProgress>? progress = null,
        Action<FoldResult>? foldDone = null) =>
        Run(labels, fold =>
        {
            var train = fold.TrainIndices.Select(i => rows[i]).ToArray();
            var (names, x) = ChurnModelTrainer.Densify(train);
            var fill = Enumerable.Range(0, names.Length).Select(j => x.Average(r => r[j])).ToArray();
            var test = ChurnModelTrainer.Densify([.. fold.TestIndices.Select(i => rows[i])], names, fill);
            return new FoldData(x, Pick(labels, fold.TrainIndices), test, Pick(labels, fold.TestIndices), names);
        }, candidates, folds, seed, progress, foldDone);

    public static CrossValidationResult Run(
        int[] labels,
        Func<Fold, FoldData> prepare,
        IReadOnlyList<ChurnLearner> candidates,
        int folds,
        int seed,
        Action<CvProgress>? progress = null,
        Action<FoldResult>? foldDone = null)
    {
        if (candidates.Count == 0)
        {
            throw new ArgumentException("At least one learner is needed.", nameof(candidates));
        }

        var perFold = candidates.Count > 1 ? candidates.Count * InnerFolds + 1 : 1;
        var total = folds * perFold;
        var done = 0;
        var outOfFold = new double[labels.Length];
        var results = new List<FoldResult>();
        var date = new DateOnly(2000, 1, 1); // versions are irrelevant inside an evaluation
        foreach (var fold in StratifiedKFold.Split(labels, folds, seed))
        {
            var data = prepare(fold);
            var learner = candidates[0];
            if (candidates.Count > 1)
            {
                learner = NestedTuning.Choose(data.TrainX, data.TrainY, data.Names, candidates, InnerFolds, seed + 1, step =>
                {
                    done++;
                    progress?.Invoke(new CvProgress(done, total, $"fold {fold.Index + 1}/{folds}: inner CV {step}"));
                }).Best;
            }

            progress?.Invoke(new CvProgress(done, total, $"fold {fold.Index + 1}/{folds}: training {learner}"));
            var model = ChurnTrainer.Fit(data.TrainX, data.TrainY, data.Names, learner, date, seed);
            var evaluation = model.Evaluate(data.TestX, data.TestY);
            done++;
            progress?.Invoke(new CvProgress(done, total, $"fold {fold.Index + 1}/{folds}: done"));
            for (var k = 0; k < fold.TestIndices.Length; k++)
            {
                outOfFold[fold.TestIndices[k]] = evaluation.Probabilities[k];
            }

            var result = new FoldResult(fold.Index + 1, evaluation.RocAuc, evaluation.PrAuc, evaluation.LogLoss, evaluation.Brier, learner.ToString());
            results.Add(result);
            foldDone?.Invoke(result);
        }

        return new CrossValidationResult(results, outOfFold, labels);
    }

    private static int[] Pick(int[] labels, int[] indices) => [.. indices.Select(i => labels[i])];
}
