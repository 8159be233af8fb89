using System.Globalization;
using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;
using PersonalizationEngine.Learning.Linear;

namespace PersonalizationEngine.Learning.Tests.Evaluation;

public sealed class CrossValidationTests
{
    [Fact]
    public void Stratified_folds_keep_class_ratios_and_never_share_rows()
    {
        var labels = Enumerable.Range(0, 1000).Select(i => i % 4 == 0 ? 1 : 0).ToArray();

        var folds = StratifiedKFold.Split(labels, 5, seed: 7);

        Assert.Equal(5, folds.Count);
        var seen = new HashSet<int>();
        foreach (var fold in folds)
        {
            Assert.Equal(200, fold.TestIndices.Length);
            Assert.Equal(50, fold.TestIndices.Count(i => labels[i] == 1));
            Assert.Empty(fold.TrainIndices.Intersect(fold.TestIndices));
            Assert.Equal(1000, fold.TrainIndices.Length + fold.TestIndices.Length);
            Assert.All(fold.TestIndices, i => Assert.True(seen.Add(i)));
        }

        Assert.Equal(1000, seen.Count);
    }

    [Fact]
    public void Same_seed_gives_same_split()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i % 3 == 0 ? 1 : 0).ToArray();

        Assert.Equal(StratifiedKFold.Split(labels, 3, 5)[1].TestIndices, StratifiedKFold.Split(labels, 3, 5)[1].TestIndices);
        Assert.NotEqual(StratifiedKFold.Split(labels, 3, 5)[1].TestIndices, StratifiedKFold.Split(labels, 3, 6)[1].TestIndices);
    }

    [Fact]
    public void Each_fold_model_sees_only_its_training_rows()
    {
        // Column "id" carries the row number; the trainer records which ids it was given and the scaler mean.
        var rows = Enumerable.Range(0, 60)
            .Select(i => new[] { i.ToString(CultureInfo.InvariantCulture), i % 5 == 0 ? "rare" : "common" })
            .ToArray();
        var data = new TabularData(["id", "kind"], rows);
        var labels = Enumerable.Range(0, 60).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var folds = StratifiedKFold.Split(labels, 3, seed: 11);
        var seenByFold = new List<HashSet<int>>();

        CrossValidation.Run(data, labels, ["id", "kind"], (x, y) =>
        {
            seenByFold.Add(x.Select(r => (int)r[0]).ToHashSet());
            var model = LogisticRegression.Fit(x, y);
            Assert.Equal(x.Average(r => r[0]), model.Scaler.Means[0], 9);
            return model;
        }, 3, seed: 11);

        for (var f = 0; f < 3; f++)
        {
            Assert.Equal(folds[f].TrainIndices.ToHashSet(), seenByFold[f]);
            Assert.Empty(seenByFold[f].Intersect(folds[f].TestIndices));
        }
    }

    [Fact]
    public void Encoder_vocabulary_is_learned_from_training_rows_only()
    {
        var train = new TabularData(["c", "n"], [["a", "1"], ["b", " "]]);
        var test = new TabularData(["c", "n"], [["z", "3"]]);

        var encoder = TabularEncoder.Fit(train, ["c", "n"]);

        Assert.Equal(["c=a", "c=b", "n"], encoder.FeatureNames);
        Assert.Equal([1.0, 0.0, 1.0], encoder.Transform(train)[0]);
        Assert.Equal([0.0, 1.0, 1.0], encoder.Transform(train)[1]); // blank numeric → training mean
        Assert.Equal([0.0, 0.0, 3.0], encoder.Transform(test)[0]); // unseen level → all zeros
    }
}
