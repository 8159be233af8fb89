using System.Globalization;
using System.Text;

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

    /// <summary>The parsed line, or null for the header, a blank line or a malformed line.</summary>
    public static RetailLine? ParseLine(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || line.StartsWith("InvoiceNo", StringComparison.Ordinal)) return null;
        var f = SplitCsv(line);
        if (f.Count != 8) return null;
        if (!int.TryParse(f[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var qty)) return null;
        if (!DateTime.TryParseExact(f[4], _dateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        if (!decimal.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var price)) return null;
        string? customer = null;
        if (f[6].Length > 0)
        {
            if (!decimal.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var id)) return null;
            customer = ((long)id).ToString(CultureInfo.InvariantCulture);
        }
        return new RetailLine(f[0], f[1], f[2], qty, UkTime.FromLocal(local), price, customer, f[7]);
    }

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
