namespace PersonalizationEngine.Domain.Features;

/// <summary>
/// Exponentially decayed scores (half-life in days), bounded to the top k keys. Scores are stored scaled to a
/// fixed reference time, score_stored = w * 2^((t - ref)/h), so the result does not depend on arrival order;
/// the value at <c>asOf</c> is score_stored * 2^(-(asOf - ref)/h).
/// </summary>
public sealed class DecayedTopK
{
    public Dictionary<string, double> Scores { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset Reference { get; set; }

    public void Add(string key, DateTimeOffset at, double weight, double halfLifeDays, int k)
    {
        if (Scores.Count == 0 && Reference == default) Reference = at;
        Scores[key] = Scores.GetValueOrDefault(key) + weight * Math.Pow(2, (at - Reference).TotalDays / halfLifeDays);
        if (Scores.Count > k) Scores.Remove(Scores.MinBy(p => p.Value).Key);
    }

    public double ValueAt(string key, DateTimeOffset asOf, double halfLifeDays) =>
        Scores.GetValueOrDefault(key) * Math.Pow(2, -(asOf - Reference).TotalDays / halfLifeDays);

    public string? Top => Scores.Count == 0 ? null : Scores.MaxBy(p => p.Value).Key;
}
