using System.Collections;

namespace PersonalizationEngine.Learning.Models;

/// <summary>
/// A tree model's reasons, computed on first read. Exact TreeSHAP costs far more than the probability (see
/// docs/evaluation.md), and the grain re-scores after every event that moves churn risk but reads the reasons only
/// when somebody asks for them (the churn-risk API): so <see cref="ChurnModel.Score"/> keeps the customer's row and
/// the attribution runs when the list is first enumerated, indexed or counted. Thread-safe: concurrent first
/// readers may both compute, and they compute the same reasons.
/// </summary>
internal sealed class DeferredReasons(ChurnModel model, double[] row) : IReadOnlyList<Reason>
{
    private double[]? _row = row;
    private Reason[]? _reasons;

    public int Count => Reasons.Length;

    public Reason this[int index] => Reasons[index];

    private Reason[] Reasons => Volatile.Read(ref _reasons) ?? Compute();

    public IEnumerator<Reason> GetEnumerator() => ((IEnumerable<Reason>)Reasons).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Reason[] Compute()
    {
        if (Volatile.Read(ref _row) is not { } row)
        {
            // Another reader finished first: it published the reasons before dropping the row.
            return Volatile.Read(ref _reasons)!;
        }

        var reasons = model.ScoreWithReasons(row, ChurnModel.DefaultAttribution, ChurnModel.ReasonTieTolerance).Reasons;
        var published = Interlocked.CompareExchange(ref _reasons, reasons, null) ?? reasons;
        Volatile.Write(ref _row, null);
        return published;
    }
}
