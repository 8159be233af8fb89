using PersonalizationEngine.Learning.Training;

namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>
/// Picks a learner by stratified k-fold CV on training rows only (the inner loop of nested cross-validation):
/// the candidate with the best mean inner ROC AUC wins; ties go to the earlier (simpler) candidate.
/// </summary>
public static class NestedTuning
{
    public static (ChurnLearner Best, IReadOnlyList<(ChurnLearner Learner, double RocAuc)> Scores) Choose(
        double[][] x,
        int[] y,
        string[] names,
        IReadOnlyList<ChurnLearner> candidates,
        int folds,
        int seed,
        Action<string>? fitted = null)
    {
        var date = new DateOnly(2000, 1, 1);
        var splits = StratifiedKFold.Split(y, folds, seed);
        var scores = new List<(ChurnLearner, double)>();
        foreach (var learner in candidates)
        {
            double sum = 0;
            foreach (var fold in splits)
            {
                var model = ChurnTrainer.Fit([.. fold.TrainIndices.Select(i => x[i])], [.. fold.TrainIndices.Select(i => y[i])], names, learner, date, seed);
                sum += model.Evaluate([.. fold.TestIndices.Select(i => x[i])], [.. fold.TestIndices.Select(i => y[i])]).RocAuc;
                fitted?.Invoke(learner.ToString());
            }

            scores.Add((learner, sum / splits.Count));
        }

        var best = scores[0];
        foreach (var s in scores)
        {
            if (s.Item2 > best.Item2)
            {
                best = s;
            }
        }

        return (best.Item1, scores);
    }
}
