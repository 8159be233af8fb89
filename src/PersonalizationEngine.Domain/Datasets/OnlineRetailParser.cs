using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace PersonalizationEngine.Domain.Datasets;

/// <summary>
/// Parses lines of <c>online-retail.csv.gz</c> (header InvoiceNo,StockCode,Description,Quantity,InvoiceDate,
/// UnitPrice,CustomerID,Country). Quirks handled: quoted descriptions with commas and doubled quotes,
/// CustomerID written as a float ("17850.0"), empty CustomerID (guest), InvoiceDate in UK local time.
/// </summary>
public static class OnlineRetailParser
{
    public const string Header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

    private static readonly string[] _dateFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "M/d/yyyy H:mm"];

    /// <summary>
    /// Reads a whole file (plain or <c>.gz</c>) on Sep, the header checked, yielding each parsed line;
    /// <paramref name="malformed"/> hears the 1-based data row number of each line that does not parse.
    /// </summary>
    public static IEnumerable<RetailLine> ReadFile(string path, Action<int>? malformed = null)
    {
        using var stream = File.OpenRead(path);
        using var text = new StreamReader(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress)
            : stream);
        using var reader = Sep.Reader(o => o with { Sep = new Sep(','), Unescape = true, DisableColCountCheck = true }).From(text);
        if (string.Join(',', reader.Header.ColNames) != Header)
        {
            throw new InvalidDataException($"{path}: unexpected header '{string.Join(',', reader.Header.ColNames)}'.");
        }

        var n = 0;
        foreach (var row in reader)
        {
            n++;
            var line = row.ColCount == 8
                ? FromFields(row[0].ToString(), row[1].ToString(), row[2].ToString(), row[3].Span, row[4].Span, row[5].Span, row[6].Span, row[7].ToString())
                : null;
            if (line is null)
            {
                malformed?.Invoke(n);
                continue;
            }

            yield return line;
        }
    }

    /// <summary>The parsed line, or null for the header, a blank line or a malformed line.</summary>
    public static RetailLine? ParseLine(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || line.StartsWith("InvoiceNo", StringComparison.Ordinal)) return null;
        var f = SplitCsv(line);
        if (f.Count != 8) return null;
        return FromFields(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
    }

    private static RetailLine? FromFields(string invoice, string stockCode, string description, ReadOnlySpan<char> quantity, ReadOnlySpan<char> date, ReadOnlySpan<char> unitPrice, ReadOnlySpan<char> customerId, string country)
    {
        if (!int.TryParse(quantity, NumberStyles.Integer, CultureInfo.InvariantCulture, out var qty)) return null;
        if (!DateTime.TryParseExact(date, _dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        if (!decimal.TryParse(unitPrice, NumberStyles.Float, CultureInfo.InvariantCulture, out var price)) return null;
        string? customer = null;
        if (customerId.Length > 0)
        {
            if (!decimal.TryParse(customerId, NumberStyles.Float, CultureInfo.InvariantCulture, out var id)) return null;
            customer = ((long)id).ToString(CultureInfo.InvariantCulture);
        }
        return new RetailLine(invoice, stockCode, description, qty, UkTime.FromLocal(local), price, customer, country);
    }

    /// <summary>
    /// Single-line splitting for <see cref="ParseLine"/> (callers that already hold one line); whole files go
    /// through <see cref="ReadFile"/> on Sep.
    /// </summary>
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>(8);
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }
}
