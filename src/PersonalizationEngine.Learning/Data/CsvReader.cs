using nietras.SeparatedValues;

namespace PersonalizationEngine.Learning.Data;

/// <summary>
/// Reads a comma-separated file with a header into raw string cells, on Sep (RFC 4180 quoting: commas and
/// doubled quotes inside quoted fields). Cells are kept as written (Telco's blank <c>TotalCharges</c> is a
/// single space); the encoder decides what is numeric.
/// </summary>
public static class CsvReader
{
    public static TabularData ReadFile(string path)
    {
        using var reader = Sep.Reader(o => o with { Sep = new Sep(','), Unescape = true, DisableColCountCheck = true }).FromFile(path);
        return Read(reader, path);
    }

    public static TabularData ReadText(string text)
    {
        using var reader = Sep.Reader(o => o with { Sep = new Sep(','), Unescape = true, DisableColCountCheck = true }).FromText(text);
        return Read(reader, "text");
    }

    private static TabularData Read(SepReader reader, string source)
    {
        var columns = reader.Header.ColNames.ToArray();
        var rows = new List<string[]>();
        foreach (var row in reader)
        {
            if (row.ColCount != columns.Length)
            {
                throw new InvalidDataException($"Row {rows.Count + 2} of '{source}' has {row.ColCount} fields, expected {columns.Length}.");
            }

            var fields = new string[columns.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = row[i].ToString();
            }

            rows.Add(fields);
        }

        return new TabularData(columns, rows);
    }
}
