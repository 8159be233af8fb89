using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace PersonalizationEngine.LoadGen.Workload;

/// <summary>
/// Streams the UCI Online Retail file (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country)
/// as purchase events, scheduled at (timestamp - first timestamp) / speed-up. Consecutive lines due at the same
/// moment go in one batch of at most <c>batchSize</c>. Guest lines (no CustomerID) use the invoice as anonymous id.
/// </summary>
public static class RetailReplay
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static IEnumerable<ScheduledRequest> Read(string path, double speedUp, int batchSize, TimeSpan limit)
    {
        using var file = File.OpenRead(path);
        using var gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? (Stream)new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(gzip);
        _ = reader.ReadLine();
        DateTimeOffset? first = null;
        var pending = new List<(string Invoice, string? Customer, string Stock, decimal Quantity, decimal Price, string Country, DateTimeOffset At)>(batchSize);
        TimeSpan pendingOffset = default;
        string? line;
        var sequence = 0L;
        while ((line = reader.ReadLine()) is not null)
        {
            var f = SplitCsv(line);
            if (f.Count < 8 || !DateTime.TryParseExact(f[4], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                continue;
            }

            var at = new DateTimeOffset(local, London.GetUtcOffset(local));
            first ??= at;
            var offset = (at - first.Value) / speedUp;
            if (offset > limit)
            {
                break;
            }

            if (pending.Count > 0 && (offset != pendingOffset || pending.Count >= batchSize))
            {
                yield return new ScheduledRequest(pendingOffset, Build(pending, ref sequence));
                pending.Clear();
            }

            pendingOffset = offset;
            var customer = string.IsNullOrWhiteSpace(f[6]) ? null : ((long)double.Parse(f[6], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
            _ = decimal.TryParse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var qty);
            _ = decimal.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var price);
            pending.Add((f[0], customer, f[1], qty, price, f[7], at));
        }

        if (pending.Count > 0)
        {
            yield return new ScheduledRequest(pendingOffset, Build(pending, ref sequence));
        }
    }

    private static RequestSpec Build(List<(string Invoice, string? Customer, string Stock, decimal Quantity, decimal Price, string Country, DateTimeOffset At)> lines, ref long sequence)
    {
        using var buffer = new MemoryStream(lines.Count * 260);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var l in lines)
            {
                sequence++;
                // Cancellations (invoice "C...") are sent as refunds so the engine sees the negative quantity honestly.
                var type = l.Invoice.StartsWith('C') ? "refund" : "purchase";
                PayloadFactory.WriteNativeEvent(w, $"retail-{l.Invoice}-{sequence}", l.Customer, l.Customer is null ? "inv-" + l.Invoice : null, "web", type, l.At);
                w.WriteStartObject("properties");
                w.WriteString("invoiceNo", l.Invoice);
                w.WriteString("sku", l.Stock);
                w.WriteNumber("quantity", l.Quantity);
                w.WriteNumber("unitPrice", l.Price);
                w.WriteNumber("amount", l.Quantity * l.Price);
                w.WriteString("country", l.Country);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return new RequestSpec("/api/v1/events", buffer.ToArray(), lines.Count, AuthKind.Bearer);
    }

    internal static List<string> SplitCsv(string line)
    {
        var fields = new List<string>(8);
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
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
        return fields;
    }
}
