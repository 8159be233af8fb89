using System.Text;

namespace PersonalizationEngine.Learning.Data;

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, commas inside quotes.</summary>
public static class CsvReader
{
    public static TabularData ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty.");
        var columns = ParseLine(header);
        var rows = new List<string[]>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = ParseLine(line);
            if (fields.Length != columns.Length)
            {
                throw new InvalidDataException($"Row {rows.Count + 2} of '{path}' has {fields.Length} fields, expected {columns.Length}.");
            }

            rows.Add(fields);
        }

        return new TabularData(columns, rows);
    }

    public static string[] ParseLine(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return [.. fields];
    }
}
