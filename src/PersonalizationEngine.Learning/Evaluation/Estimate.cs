namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>A point estimate with a 95% interval and the number of rows it rests on.</summary>
public sealed record Estimate(double Value, double Lower, double Upper, int Rows)
{
    public override string ToString() => $"{Value:P3} [{Lower:P3}, {Upper:P3}] (n = {Rows})";
}
