namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>Progress of a cross-validation: model fits done of the total, and what is running now.</summary>
public readonly record struct CvProgress(int Done, int Total, string Step);
