namespace PersonalizationEngine.Learning.Models;

public enum ChurnModelKind
{
    LogisticRegression,
    GradientBoostedTrees,
}
