namespace PersonalizationEngine.Learning.Evaluation;

/// <summary>
/// The replay method (Li, Chu, Langford, Wang, WSDM 2011): stream a log collected by a uniformly random
/// policy; whenever the evaluated policy picks the logged arm, count the reward and let the policy learn from
/// it; other rows are skipped. Unbiased for the policy's online CTR when the logger is uniform.
/// </summary>
public static class ReplayEvaluator
{
    /// <param name="choose">The policy's arm for a row (it sees the context, never the logged arm or reward).</param>
    /// <param name="learn">Called with each matched row, so the policy keeps learning online.</param>
    /// <param name="observe">Optional: called with every row after the decision (for variants that may learn from the whole uniform log).</param>
    public static ReplayResult Run<TRow>(
        IReadOnlyList<TRow> rows,
        Func<TRow, int> loggedArm,
        Func<TRow, double> reward,
        Func<TRow, int> choose,
        Action<TRow> learn,
        Action<TRow>? observe = null)
    {
        var matched = 0;
        long rewards = 0;
        foreach (var row in rows)
        {
            if (choose(row) == loggedArm(row))
            {
                matched++;
                rewards += reward(row) > 0 ? 1 : 0;
                learn(row);
            }

            observe?.Invoke(row);
        }

        return new ReplayResult(rows.Count, matched, rewards, Intervals.Wilson(rewards, matched));
    }
}
