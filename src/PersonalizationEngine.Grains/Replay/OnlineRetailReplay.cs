using System.Diagnostics;
using System.IO.Compression;
using PersonalizationEngine.Domain.Datasets;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Grains.Ingestion;

namespace PersonalizationEngine.Grains.Replay;

/// <summary>Progress of a replay, reported every batch.</summary>
public sealed record ReplayProgress(long Lines, long Invoices, long Events, long GuestRows, TimeSpan Elapsed);

/// <summary>What a replay did.</summary>
public sealed record ReplaySummary(
    long Lines,
    long MalformedLines,
    long Invoices,
    long Events,
    long Accepted,
    long Duplicates,
    long Rejected,
    long GuestRows,
    long GuestInvoices,
    int Customers,
    DateTimeOffset FirstEvent,
    DateTimeOffset LastEvent,
    TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Events / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Replays the Online Retail file (UCI; gzip CSV) through the engine's ingestion pipeline and grains, the same
/// path live events take: one purchase (or refund, for 'C' invoices) event per invoice, customers identified
/// by <c>crm_id</c>; guest rows (no CustomerID) are counted and skipped. Optionally stops before a cutoff.
/// </summary>
public sealed class OnlineRetailReplay(IngestionService ingestion)
{
    public int BatchSize { get; init; } = 256;

    public async Task<ReplaySummary> RunAsync(string path, DateTimeOffset? until = null, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        long lines = 0, malformed = 0, invoices = 0, events = 0, accepted = 0, duplicates = 0, rejected = 0, guestRows = 0, guestInvoices = 0;
        DateTimeOffset first = DateTimeOffset.MaxValue, last = DateTimeOffset.MinValue;
        var customers = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<CustomerEvent>(BatchSize);

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            var r = await ingestion.IngestStandardizedAsync(batch, cancellationToken).ConfigureAwait(false);
            accepted += r.Accepted;
            duplicates += r.Duplicates;
            rejected += r.Rejected;
            batch.Clear();
            progress?.Report(new ReplayProgress(lines, invoices, events, guestRows, watch.Elapsed));
        }

        IEnumerable<RetailLine> Read()
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            var header = reader.ReadLine();
            if (header != OnlineRetailParser.Header) throw new InvalidDataException($"{path}: unexpected header '{header}'.");
            string? text;
            while ((text = reader.ReadLine()) is not null)
            {
                lines++;
                if (OnlineRetailParser.ParseLine(text) is { } line)
                {
                    if (line.CustomerId is null) guestRows++;
                    yield return line;
                }
                else
                {
                    malformed++;
                }
            }
        }

        foreach (var invoice in OnlineRetailEvents.GroupInvoices(Read()))
        {
            if (until is { } cutoff && invoice[0].InvoiceDate >= cutoff) continue;
            invoices++;
            var e = OnlineRetailEvents.FromInvoice(invoice, includeItems: false);
            if (e is null)
            {
                guestInvoices++;
                continue;
            }
            events++;
            customers.Add(invoice[0].CustomerId!);
            if (e.Timestamp < first) first = e.Timestamp;
            if (e.Timestamp > last) last = e.Timestamp;
            batch.Add(e);
            if (batch.Count >= BatchSize) await FlushAsync().ConfigureAwait(false);
        }
        await FlushAsync().ConfigureAwait(false);
        return new ReplaySummary(lines, malformed, invoices, events, accepted, duplicates, rejected, guestRows, guestInvoices, customers.Count, first, last, watch.Elapsed);
    }
}
