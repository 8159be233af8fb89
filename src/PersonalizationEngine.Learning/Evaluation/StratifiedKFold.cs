namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>Stratified k-fold split: each class is shuffled with a fixed seed and dealt round-robin to folds.</summary>
public static class StratifiedKFold
{
    public static IReadOnlyList<Fold> Split(IReadOnlyList<int> labels, int folds, int seed)
    {
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), "At least two folds are needed.");
        }

        var random = new Random(seed);
        var assignment = new int[labels.Count];
        var next = 0;
        foreach (var cls in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == cls).ToArray();
            random.Shuffle(members);
            foreach (var i in members)
            {
                assignment[i] = next;
                next = (next + 1) % folds;
            }
        }

        return Enumerable.Range(0, folds)
            .Select(f => new Fold(
                f,
                Enumerable.Range(0, labels.Count).Where(i => assignment[i] != f).ToArray(),
                Enumerable.Range(0, labels.Count).Where(i => assignment[i] == f).ToArray()))
            .ToArray();
    }
}
