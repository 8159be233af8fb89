using System.IO.Compression;
using PersonalizationEngine.Domain.Datasets;
using PersonalizationEngine.Grains.Replay;
using PersonalizationEngine.Storage.InMemory;

namespace PersonalizationEngine.Grains.Tests;

public sealed class OnlineRetailReplayTests
{
    [Fact]
    public async Task Replaying_the_file_through_the_grains_gives_the_directly_calculated_rfm()
    {
        var path = SharedDatasets.Path("online-retail.csv.gz");
        await using var host = await EngineHost.StartAsync(new InMemoryStorageProvider(), snapshotEvery: 1000);
        var summary = await new OnlineRetailReplay(host.Ingestion).RunAsync(path);

        // Figures from shared/datasets/README.md: rows, guest rows, customers.
        Assert.Equal(541_909, summary.Lines);
        Assert.Equal(0, summary.MalformedLines);
        Assert.Equal(135_080, summary.GuestRows);
        Assert.Equal(4_372, summary.Customers);
        // One invoice number appears in two separate runs of lines in the file: its second run carries the same
        // event id and is (correctly) a duplicate. Nothing is rejected.
        Assert.Equal(0, summary.Rejected);
        Assert.Equal(1, summary.Duplicates);
        Assert.Equal(summary.Events, summary.Accepted + summary.Duplicates);
        Assert.True(summary.GuestInvoices > 0);

        string[] named = ["12347", "17850", "14911"];
        var lines = named.ToDictionary(c => c, _ => new List<RetailLine>());
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress)))
        {
            reader.ReadLine();
            string? text;
            while ((text = reader.ReadLine()) is not null)
            {
                if (OnlineRetailParser.ParseLine(text) is { CustomerId: { } id } line && lines.TryGetValue(id, out var list)) list.Add(line);
            }
        }
        var asOf = new DateTimeOffset(2011, 12, 10, 0, 0, 0, TimeSpan.Zero);
        foreach (var id in named)
        {
            var oracle = RfmOracle.Compute(lines[id], asOf);
            var profileId = (await host.Directory.ResolveAsync("crm_id:" + id)).ProfileId!;
            var f = (await host.Customers.FeaturesAsync(profileId, asOf))!;
            Assert.Equal(oracle.Frequency, (int)f["frequency"]);
            Assert.Equal((double)oracle.Monetary, f["monetary"], 6);
            Assert.Equal(oracle.RecencyDays, f["recency_days"], 9);
        }
    }
}
