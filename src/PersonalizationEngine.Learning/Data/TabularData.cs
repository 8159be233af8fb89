namespace PersonalizationEngine.Learning.Data;

/// <summary>Raw string cells with a header; the encoder decides what is numeric.</summary>
public sealed record TabularData(string[] Columns, IReadOnlyList<string[]> Rows)
{
    public int IndexOf(string column)
    {
        var i = Array.IndexOf(Columns, column);
        return i >= 0 ? i : throw new KeyNotFoundException($"Column '{column}' not found.");
    }

    public TabularData Select(IReadOnlyList<int> rowIndices)
    {
        var rows = new string[rowIndices.Count][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Rows[rowIndices[i]];
        }

        return this with { Rows = rows };
    }
}
