using System.IO.Compression;
using PersonalizationEngine.Domain.Datasets;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;

namespace PersonalizationEngine.Domain.Tests.Datasets;

public sealed class OnlineRetailTests
{
    private static readonly string[] Named = ["12347", "17850", "14911"];

    private static IEnumerable<RetailLine> ReadAll(Action<int> onMalformed)
    {
        using var gz = new GZipStream(File.OpenRead(SharedDatasets.Path("online-retail.csv.gz")), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        Assert.Equal(OnlineRetailParser.Header, reader.ReadLine());
        string? line;
        var n = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            n++;
            if (OnlineRetailParser.ParseLine(line) is { } parsed) yield return parsed;
            else onMalformed(n);
        }
    }

    [Fact]
    public void Named_customers_rfm_matches_a_direct_calculation_and_guests_are_counted()
    {
        var malformed = 0;
        var lines = 0;
        var guestRows = 0;
        var customers = new HashSet<string>();
        var named = Named.ToDictionary(c => c, _ => new List<RetailLine>());
        var profiles = Named.ToDictionary(c => c, c => new CustomerProfile(c));
        var settings = ProfileSettings.Default;
        DateTimeOffset last = default;

        IEnumerable<RetailLine> Tap(IEnumerable<RetailLine> source)
        {
            foreach (var l in source)
            {
                lines++;
                if (l.CustomerId is null) guestRows++;
                else
                {
                    customers.Add(l.CustomerId);
                    if (named.TryGetValue(l.CustomerId, out var list)) list.Add(l);
                }
                if (l.InvoiceDate > last) last = l.InvoiceDate;
                yield return l;
            }
        }

        foreach (var invoice in OnlineRetailEvents.GroupInvoices(Tap(ReadAll(_ => malformed++))))
        {
            if (invoice[0].CustomerId is { } id && profiles.TryGetValue(id, out var profile)
                && OnlineRetailEvents.FromInvoice(invoice) is { } e)
            {
                profile.Apply(e, settings, e.ReceivedAt);
            }
        }

        // Figures from shared/datasets/README.md.
        Assert.Equal(0, malformed);
        Assert.Equal(541_909, lines);
        Assert.Equal(135_080, guestRows);
        Assert.Equal(4_372, customers.Count);

        var asOf = new DateTimeOffset(2011, 12, 10, 0, 0, 0, TimeSpan.Zero);
        foreach (var id in Named)
        {
            var oracle = RfmOracle.Compute(named[id], asOf);
            var f = profiles[id].Features(asOf, settings);
            Assert.True(oracle.Frequency > 0);
            Assert.Equal(oracle.Frequency, (int)f["frequency"]);
            Assert.Equal((double)oracle.Monetary, f["monetary"], 6);
            Assert.Equal(oracle.RecencyDays, f["recency_days"], 9);
        }
        // Hand-checked anchor: 12347 bought on 7 invoices, none cancelled, total 4310.00.
        Assert.Equal(7, (int)profiles["12347"].Features(asOf, settings)["frequency"]);
        Assert.Equal(4310.00, profiles["12347"].Features(asOf, settings)["monetary"], 6);
    }

    [Fact]
    public void File_reader_on_sep_gives_the_same_lines_as_the_line_parser()
    {
        var malformed = 0;
        using var expected = ReadAll(_ => malformed++).GetEnumerator();
        var count = 0;
        foreach (var line in OnlineRetailParser.ReadFile(SharedDatasets.Path("online-retail.csv.gz"), _ => malformed++))
        {
            Assert.True(expected.MoveNext());
            Assert.Equal(expected.Current, line);
            count++;
        }

        Assert.False(expected.MoveNext());
        Assert.Equal(541_909, count);
        Assert.Equal(0, malformed);
    }

    [Fact]
    public void Parser_handles_quotes_float_customer_ids_guests_and_cancellations()
    {
        var quoted = OnlineRetailParser.ParseLine("536477,22041,\"RECORD FRAME 7\"\" SINGLE SIZE \",48,2010-12-01 12:27:00,2.1,16210.0,United Kingdom")!;
        Assert.Equal("RECORD FRAME 7\" SINGLE SIZE ", quoted.Description);
        Assert.Equal("16210", quoted.CustomerId);
        Assert.Equal(100.8m, quoted.LineTotal);
        var guest = OnlineRetailParser.ParseLine("536544,21773,DECORATIVE ROSE BATHROOM BOTTLE,1,2010-12-01 14:32:00,2.51,,United Kingdom")!;
        Assert.Null(guest.CustomerId);
        var cancel = OnlineRetailParser.ParseLine("C536383,35004C,SET OF 3 COLOURED  FLYING DUCKS,-1,2010-12-01 09:49:00,4.65,15311.0,United Kingdom")!;
        Assert.True(cancel.IsCancellation);
        var e = OnlineRetailEvents.FromInvoice([cancel])!;
        Assert.Equal(EventTypes.Refund, e.Type);
        Assert.Equal(4.65m, e.Amount);
        Assert.Null(OnlineRetailEvents.FromInvoice([guest]));
        Assert.Null(OnlineRetailParser.ParseLine(OnlineRetailParser.Header));
    }

    [Fact]
    public void Invoice_dates_are_uk_local_time_with_british_summer_time()
    {
        Assert.Equal(TimeSpan.Zero, UkTime.FromLocal(new DateTime(2010, 12, 1, 8, 26, 0)).Offset);
        Assert.Equal(TimeSpan.FromHours(1), UkTime.FromLocal(new DateTime(2011, 6, 1, 10, 0, 0)).Offset);
        // 2011: BST from Sunday 27 March to Sunday 30 October.
        Assert.Equal(TimeSpan.Zero, UkTime.FromLocal(new DateTime(2011, 3, 26, 12, 0, 0)).Offset);
        Assert.Equal(TimeSpan.FromHours(1), UkTime.FromLocal(new DateTime(2011, 3, 27, 12, 0, 0)).Offset);
        Assert.Equal(TimeSpan.FromHours(1), UkTime.FromLocal(new DateTime(2011, 10, 29, 12, 0, 0)).Offset);
        Assert.Equal(TimeSpan.Zero, UkTime.FromLocal(new DateTime(2011, 10, 30, 12, 0, 0)).Offset);
    }
}
