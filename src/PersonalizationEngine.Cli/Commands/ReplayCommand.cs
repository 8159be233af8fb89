using System.CommandLine;
using PersonalizationEngine.Grains.Ingestion;
using PersonalizationEngine.Grains.Replay;
using PersonalizationEngine.Grains.Stats;

namespace PersonalizationEngine.Cli.Commands;

/// <summary><c>pe replay retail</c>: the Online Retail file through the grains, with progress and a summary.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var replay = new Command("replay", "Replay public datasets through the engine's grains.");
        var data = new Option<FileInfo>("--data") { Description = "online-retail.csv.gz", DefaultValueFactory = _ => new FileInfo("../shared/datasets/online-retail.csv.gz") };
        var storage = new Option<string>("--storage") { Description = "memory, sqlite or postgres (ConnectionStrings__Postgres).", DefaultValueFactory = _ => "memory" };
        storage.AcceptOnlyFromAmong("memory", "sqlite", "postgres");
        var sqlite = new Option<string>("--sqlite-path") { Description = "SQLite file for --storage sqlite.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "pe-replay.db") };
        var retail = new Command("retail", "Replay the UCI Online Retail invoices (one event per invoice) and summarise customers, speed, memory and segments.");
        retail.Options.Add(data);
        retail.Options.Add(storage);
        retail.Options.Add(sqlite);
        retail.SetAction((parse, ct) => RunAsync(parse.GetRequiredValue(data).FullName, parse.GetRequiredValue(storage), parse.GetRequiredValue(sqlite), Console.Out, ct));
        replay.Subcommands.Add(retail);
        return replay;
    }

    private static async Task<int> RunAsync(string path, string storage, string sqlitePath, TextWriter output, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            await output.WriteLineAsync($"Data file not found: {path}");
            return 2;
        }
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = storage switch { "memory" => "Memory", "sqlite" => "Sqlite", _ => "Postgres" },
            ["Storage:Sqlite:Path"] = sqlitePath,
            ["Engine:SnapshotEveryEvents"] = "1000",
        };
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var host = await EngineHost.StartAsync(settings);
        var replay = new OnlineRetailReplay(host.Get<IngestionService>());
        var lastPrint = DateTime.MinValue;
        var progress = new Progress<ReplayProgress>(p =>
        {
            if ((DateTime.UtcNow - lastPrint).TotalMilliseconds < 500) return;
            lastPrint = DateTime.UtcNow;
            var rate = p.Elapsed.TotalSeconds > 0 ? p.Events / p.Elapsed.TotalSeconds : 0;
            output.Write($"\r  {p.Lines,9:N0} lines  {p.Invoices,7:N0} invoices  {p.Events,7:N0} events  {rate,9:N0} events/s  {p.Elapsed:mm\\:ss}   ");
        });
        await output.WriteLineAsync($"Replaying {path} through the grains ({storage} storage)...");
        var summary = await replay.RunAsync(path, progress: progress, cancellationToken: ct);
        await Task.Delay(100, ct); // let the last progress line print
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var actors = host.Get<PersonalizationEngine.Grains.Hosting.ActivationCounter>();
        var segments = host.Get<SegmentCounts>().Snapshot();

        await output.WriteLineAsync();
        await output.WriteLineAsync();
        await output.WriteLineAsync("Online Retail replay through the grains");
        await output.WriteLineAsync("---------------------------------------");
        await output.WriteLineAsync($"lines read                 {summary.Lines,12:N0}   (malformed {summary.MalformedLines:N0})");
        await output.WriteLineAsync($"guest rows (no CustomerID) {summary.GuestRows,12:N0}   counted, not attributed ({summary.GuestInvoices:N0} invoices)");
        await output.WriteLineAsync($"invoices                   {summary.Invoices,12:N0}");
        await output.WriteLineAsync($"events (purchase/refund)   {summary.Events,12:N0}   accepted {summary.Accepted:N0}, duplicates {summary.Duplicates:N0}, rejected {summary.Rejected:N0}");
        await output.WriteLineAsync($"customers                  {summary.Customers,12:N0}");
        await output.WriteLineAsync($"data spans                 {summary.FirstEvent:yyyy-MM-dd} .. {summary.LastEvent:yyyy-MM-dd}");
        await output.WriteLineAsync($"elapsed                    {summary.Elapsed.TotalSeconds,12:N1} s   ({summary.EventsPerSecond:N0} events/s)");
        await output.WriteLineAsync($"activations in memory      {actors.Count,12:N0}   (customer grains)");
        var perCustomer = summary.Customers > 0 ? (after - before) / (double)summary.Customers : 0;
        await output.WriteLineAsync($"managed memory / customer  {perCustomer,12:N0} B   (whole heap growth incl. identity grains and runtime)");
        await output.WriteLineAsync("segments (members among active customers):");
        foreach (var (id, members) in segments.OrderByDescending(s => s.Value))
        {
            await output.WriteLineAsync($"  {id,-28} {members,8:N0}");
        }
        return 0;
    }
}
