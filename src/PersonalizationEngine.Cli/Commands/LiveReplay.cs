using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using PersonalizationEngine.Learning.Data;
using PersonalizationEngine.Learning.Evaluation;
using Spectre.Console;

namespace PersonalizationEngine.Cli.Commands;

/// <summary>
/// <c>pe bandit live</c>: drives a running engine through its HTTP API only, as a website and a CRM would:
/// <c>profile_update</c> (the customer's attributes) → <c>GET next-best-offer</c> → <c>offer_impression</c> and
/// <c>offer_click</c> carrying the decision id. Unclicked impressions are never reported: the engine turns them into
/// reward 0 itself when <c>Decisioning:RewardWait</c> ends. Two scenarios: a synthetic population with a known optimal
/// policy (the harness draws each click from the true rate of the offer the engine chose), and the Open Bandit random
/// log by the replay method (Li et al. 2011): a row counts only when the engine picks the logged item; other rows are
/// never shown, so they teach nothing and are skipped.
/// </summary>
internal sealed class LiveReplay(HttpClient http, IAnsiConsole console)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static HttpClient Client(string url, string key)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates (or replaces) the offers: every channel and placement, value 1, so ranking is the propensity alone.</summary>
    public async Task UpsertOffersAsync(IEnumerable<(string Id, string Name)> offers, CancellationToken ct)
    {
        foreach (var (id, name) in offers)
        {
            var body = new JsonObject { ["offerId"] = id, ["name"] = name, ["value"] = 1, ["creative"] = new JsonObject { ["title"] = name } };
            var put = await http.PutAsJsonAsync($"api/v1/offers/{Uri.EscapeDataString(id)}", body, Json, ct);
            if (put.StatusCode == HttpStatusCode.NotFound)
            {
                put = await http.PostAsJsonAsync("api/v1/offers", body, Json, ct);
            }
            await EnsureAsync(put, "offer " + id, ct);
        }
        var all = await http.GetFromJsonAsync<JsonElement>("api/v1/offers", ct);
        var ids = offers.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        var others = Items(all).Select(o => o.GetProperty("offerId").GetString()).Where(id => id is not null && !ids.Contains(id)).ToList();
        if (others.Count > 0)
        {
            console.MarkupLine($"[yellow]The catalogue holds {others.Count} other offers ({Markup.Escape(string.Join(", ", others.Take(5)))}...): they compete in every decision. Use an engine with an empty catalogue (Demo:Enabled=false).[/]");
        }
    }

    private static IEnumerable<JsonElement> Items(JsonElement list) =>
        list.ValueKind == JsonValueKind.Array ? list.EnumerateArray()
        : list.TryGetProperty("items", out var items) ? items.EnumerateArray() : [];

    private async Task SendAsync(IReadOnlyList<JsonObject> events, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await http.PostAsJsonAsync("api/v1/events", new JsonArray([.. events]), Json, ct);
            if ((r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests) && attempt < 20)
            {
                await Task.Delay(100 * (attempt + 1), ct);
                continue;
            }
            await EnsureAsync(r, "events", ct);
            if (r.StatusCode == HttpStatusCode.MultiStatus) throw new InvalidOperationException("The engine rejected an event: " + await r.Content.ReadAsStringAsync(ct));
            return;
        }
    }

    private static JsonObject Event(string id, string user, string type, string channel, JsonObject? properties = null) => new()
    {
        ["eventId"] = id,
        ["identifiers"] = new JsonObject { ["user_id"] = user },
        ["channel"] = channel,
        ["type"] = type,
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["properties"] = properties ?? new JsonObject(),
    };

    private static JsonObject Attributes(IReadOnlyDictionary<string, object> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values)
        {
            o[k] = v switch { bool b => JsonValue.Create(b), int i => JsonValue.Create(i), double d => JsonValue.Create(d), _ => JsonValue.Create(v.ToString()) };
        }
        return o;
    }

    private Task ProfileAsync(string user, IReadOnlyDictionary<string, object> attributes, string run, CancellationToken ct) =>
        SendAsync([Event($"{run}-pu-{user}", user, "profile_update", "crm", Attributes(attributes))], ct);

    private async Task<(string DecisionId, string? OfferId)> DecideAsync(string user, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var r = await http.GetAsync($"api/v1/customers/user_id:{Uri.EscapeDataString(user)}/next-best-offer?channel=web&limit=1", ct);
            if ((r.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests) && attempt < 20)
            {
                await Task.Delay(100 * (attempt + 1), ct);
                continue;
            }
            await EnsureAsync(r, "next-best-offer", ct);
            var answer = await r.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
            var offers = answer.GetProperty("offers");
            return (answer.GetProperty("decisionId").GetString()!, offers.GetArrayLength() > 0 ? offers[0].GetProperty("offerId").GetString() : null);
        }
    }

    private Task FeedbackAsync(string user, string decisionId, string offerId, bool clicked, string run, CancellationToken ct)
    {
        var props = new JsonObject { ["decisionId"] = decisionId, ["offerId"] = offerId };
        List<JsonObject> events = [Event($"{run}-imp-{decisionId}", user, "offer_impression", "web", props)];
        if (clicked) events.Add(Event($"{run}-clk-{decisionId}", user, "offer_click", "web", props.DeepClone().AsObject()));
        return SendAsync(events, ct);
    }

    private static async Task EnsureAsync(HttpResponseMessage r, string what, CancellationToken ct)
    {
        if (r.IsSuccessStatusCode) return;
        var body = await r.Content.ReadAsStringAsync(ct);
        throw new InvalidOperationException($"{what}: HTTP {(int)r.StatusCode} {body[..Math.Min(body.Length, 400)]}");
    }

    /// <summary>One simulated decision of the synthetic run.</summary>
    private readonly record struct Step(int Index, string Chosen, bool Click, double ChosenCtr, double OptimalCtr, bool RandomClick, bool FixedClick, bool Optimal);

    public async Task<int> SyntheticAsync(int decisions, int customers, int concurrency, int seed, int block, TextWriter output, CancellationToken ct)
    {
        var population = new LivePopulation(customers, seed);
        var run = $"r{seed}-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
        await UpsertOffersAsync(LivePopulation.Offers.Select(o => (o, o)), ct);
        var created = new bool[customers];
        var creating = new Task?[customers];
        var steps = new Step[decisions];
        var next = -1;
        var random = new Random(seed);
        var gate = new Lock();
        var watch = Stopwatch.StartNew();
        await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("synthetic population: decisions", maxValue: decisions);
                async Task Worker()
                {
                    while (true)
                    {
                        var t = Interlocked.Increment(ref next);
                        if (t >= decisions) return;
                        int c;
                        double u1, u2, u3;
                        int randomOffer;
                        lock (gate)
                        {
                            c = random.Next(customers);
                            (u1, u2, u3, randomOffer) = (random.NextDouble(), random.NextDouble(), random.NextDouble(), random.Next(LivePopulation.Offers.Length));
                        }
                        var person = population.People[c];
                        Task? profile;
                        lock (gate)
                        {
                            profile = creating[c] ??= ProfileAsync(person.UserId, person.Attributes, run, ct);
                        }
                        await profile;
                        created[c] = true;
                        var (decisionId, offer) = await DecideAsync(person.UserId, ct);
                        offer ??= "";
                        var ctr = LivePopulation.Ctr(person, offer);
                        var optimal = LivePopulation.Optimal(person);
                        var click = u1 < ctr;
                        if (offer.Length > 0) await FeedbackAsync(person.UserId, decisionId, offer, click, run, ct);
                        steps[t] = new Step(t, offer, click, ctr, LivePopulation.Ctr(person, optimal),
                            u2 < LivePopulation.Ctr(person, LivePopulation.Offers[randomOffer]), u3 < LivePopulation.Ctr(person, population.BestFixed), offer == optimal);
                        task.Increment(1);
                        if (t % 500 == 0)
                        {
                            var done = Math.Max(1, t);
                            task.Description = Markup.Escape($"synthetic population: {done / watch.Elapsed.TotalSeconds:N0} decisions/s");
                        }
                    }
                }
                await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, ct)));
            });
        var elapsed = watch.Elapsed;

        output.WriteLine();
        output.WriteLine();
        output.WriteLine($"Synthetic population through the live engine: {decisions:N0} decisions for {customers:N0} customers in {elapsed.TotalSeconds:N0} s ({decisions / elapsed.TotalSeconds:N0} decisions/s, {concurrency} clients).");
        output.WriteLine($"Known values per decision: optimal policy {population.OptimalValue:P2}, best single offer ({population.BestFixed}) {population.FixedValue(population.BestFixed):P2}, uniform random {population.RandomValue:P2}.");
        var table = new Table().AddColumns("decisions", "engine CTR [[95% CI]]", "expected reward of its picks", "% of optimal", "optimal pick", "picks per offer");
        for (var from = 0; from < decisions; from += block)
        {
            var window = steps.AsSpan(from, Math.Min(block, decisions - from)).ToArray();
            var ctr = Intervals.Wilson(window.Count(s => s.Click), window.Length);
            var expected = window.Average(s => s.ChosenCtr);
            var optimal = window.Average(s => s.OptimalCtr);
            var counts = string.Join(" ", LivePopulation.Offers.Select(o => $"{o.Split('-')[0]}:{window.Count(s => s.Chosen == o) * 100.0 / window.Length:0}%"));
            table.AddRow([.. new[] { $"{from + 1:N0}-{from + window.Length:N0}", $"{ctr.Value:P2} [{ctr.Lower:P2}, {ctr.Upper:P2}]", $"{expected:P2}", $"{expected / optimal:P1}", $"{window.Count(s => s.Optimal) * 100.0 / window.Length:0}%", counts }.Select(Markup.Escape)]);
        }
        console.Write(table);

        // The verdict: the last block, against the optimum and the baselines drawn on the same visits.
        var last = steps.AsSpan(Math.Max(0, decisions - block)).ToArray();
        var engine = Intervals.Wilson(last.Count(s => s.Click), last.Length);
        var uniform = Intervals.Wilson(last.Count(s => s.RandomClick), last.Length);
        var fixedOffer = Intervals.Wilson(last.Count(s => s.FixedClick), last.Length);
        var expectedLast = last.Average(s => s.ChosenCtr);
        var optimalLast = last.Average(s => s.OptimalCtr);
        var vsFixed = Intervals.Ratio(last.Count(s => s.Click), last.Length, last.Count(s => s.FixedClick), last.Length);
        output.WriteLine();
        output.WriteLine($"Last {last.Length:N0} decisions (after {decisions - last.Length:N0}), clicks drawn on the same visits:");
        output.WriteLine($"  engine policy        CTR {engine.Value:P2} [{engine.Lower:P2}, {engine.Upper:P2}]   expected reward of its picks {expectedLast:P2} = {expectedLast / optimalLast:P1} of optimal ({optimalLast:P2})");
        output.WriteLine($"  best single offer    CTR {fixedOffer.Value:P2} [{fixedOffer.Lower:P2}, {fixedOffer.Upper:P2}]   ({population.BestFixed}, expected {population.FixedValue(population.BestFixed):P2})");
        output.WriteLine($"  uniform random       CTR {uniform.Value:P2} [{uniform.Lower:P2}, {uniform.Upper:P2}]   (expected {population.RandomValue:P2})");
        output.WriteLine($"  engine / best single offer {vsFixed.Value:0.00}x [{vsFixed.Lower:0.00}, {vsFixed.Upper:0.00}]");
        var goal = expectedLast >= 0.9 * optimalLast;
        var better = engine.Lower > fixedOffer.Upper;
        output.WriteLine($"  >= 90% of optimal: {(goal ? "yes" : "NO")}; significantly better than the best single offer (intervals apart): {(better ? "yes" : "NO")}");
        return goal && better ? 0 : 1;
    }

    public async Task<int> OpenBanditAsync(string logsPath, int concurrency, TextWriter output, CancellationToken ct)
    {
        var rows = OpenBanditLog.Read(logsPath).OrderBy(r => r.Timestamp).ToList();
        var items = rows.Select(r => r.ItemId).Distinct().Order().ToList();
        var run = $"obd-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
        await UpsertOffersAsync(items.Select(i => (ItemOffer(i), $"ZOZOTOWN item {i}")), ct);
        output.WriteLine($"{rows.Count:N0} logged impressions, {rows.Sum(r => r.Click)} clicks, {items.Count} items; the engine picks among all {items.Count} for every row.");
        var matched = new bool[rows.Count];
        var next = -1;
        var watch = Stopwatch.StartNew();
        await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Open Bandit replay: rows", maxValue: rows.Count);
                var matches = 0;
                async Task Worker()
                {
                    while (true)
                    {
                        var i = Interlocked.Increment(ref next);
                        if (i >= rows.Count) return;
                        var row = rows[i];
                        var user = $"{run}-{i}";
                        await ProfileAsync(user, OpenBanditAttributes(row), run, ct);
                        var (decisionId, offer) = await DecideAsync(user, ct);
                        if (offer == ItemOffer(row.ItemId))
                        {
                            // The engine chose what the uniform logger showed: the logged click is the outcome of this decision.
                            matched[i] = true;
                            Interlocked.Increment(ref matches);
                            await FeedbackAsync(user, decisionId, offer, row.Click == 1, run, ct);
                        }
                        // Otherwise the decision is never shown: it teaches nothing and the row is skipped.
                        task.Increment(1);
                        task.Description = Markup.Escape($"Open Bandit replay: {Volatile.Read(ref matches)} rows matched");
                    }
                }
                await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, ct)));
            });
        var hits = Enumerable.Range(0, rows.Count).Where(i => matched[i]).ToList();
        var policy = Intervals.Wilson(hits.Sum(i => rows[i].Click), hits.Count);
        var random = Intervals.Wilson(rows.Sum(r => r.Click), rows.Count);
        var perItem = rows.GroupBy(r => r.ItemId).Select(g => (Item: g.Key, Clicks: g.Sum(r => r.Click), Shown: g.Count())).ToList();
        var best = perItem.MaxBy(x => (x.Clicks + 0.5) / (x.Shown + 1.0));
        var bestCtr = Intervals.Wilson(best.Clicks, best.Shown);
        var lift = Intervals.Ratio(hits.Sum(i => rows[i].Click), Math.Max(1, hits.Count), rows.Sum(r => r.Click), rows.Count);
        output.WriteLine();
        output.WriteLine();
        output.WriteLine($"Open Bandit random log replayed through the live engine in {watch.Elapsed.TotalSeconds:N0} s ({rows.Count / watch.Elapsed.TotalSeconds:N0} rows/s):");
        output.WriteLine($"  engine policy (replay estimate) CTR {policy.Value:P3} [{policy.Lower:P3}, {policy.Upper:P3}] on {hits.Count:N0} matched rows ({hits.Sum(i => rows[i].Click)} clicks); {rows.Count - hits.Count:N0} rows skipped");
        output.WriteLine($"  uniform random (the logger)     CTR {random.Value:P3} [{random.Lower:P3}, {random.Upper:P3}] on {rows.Count:N0} rows");
        output.WriteLine($"  best fixed item (in-sample: the item with the best logged CTR, {best.Item}) CTR {bestCtr.Value:P3} [{bestCtr.Lower:P3}, {bestCtr.Upper:P3}] on {best.Shown} rows");
        output.WriteLine($"  engine / random {lift.Value:0.00}x [{lift.Lower:0.00}, {lift.Upper:0.00}]");
        return 0;
    }

    public static string ItemOffer(int item) => $"obd-item-{item}";

    private static IReadOnlyDictionary<string, object> OpenBanditAttributes(OpenBanditRow row)
    {
        var a = new Dictionary<string, object>(StringComparer.Ordinal) { ["slot"] = row.Position.ToString(CultureInfo.InvariantCulture) };
        for (var f = 0; f < row.UserFeatures.Length; f++) a[$"user_feature_{f}"] = row.UserFeatures[f];
        return a;
    }

    /// <summary>The engine configuration for the Open Bandit context: each user feature one-hot over the log's values (never clicks), and the slot.</summary>
    public static IEnumerable<(string Key, string Value)> OpenBanditContext(string logsPath)
    {
        var rows = OpenBanditLog.Read(logsPath);
        var n = rows[0].UserFeatures.Length;
        yield return ("Decisioning__Context__Behavioural", "false");
        for (var f = 0; f < n; f++)
        {
            yield return ($"Decisioning__Context__Attributes__{f}__Name", $"user_feature_{f}");
            yield return ($"Decisioning__Context__Attributes__{f}__Kind", "category");
            var v = 0;
            foreach (var value in rows.Select(r => r.UserFeatures[f]).Distinct().Order(StringComparer.Ordinal))
            {
                yield return ($"Decisioning__Context__Attributes__{f}__Values__{v++}", value);
            }
        }
        yield return ($"Decisioning__Context__Attributes__{n}__Name", "slot");
        yield return ($"Decisioning__Context__Attributes__{n}__Kind", "category");
        for (var s = 1; s <= 3; s++) yield return ($"Decisioning__Context__Attributes__{n}__Values__{s - 1}", s.ToString(CultureInfo.InvariantCulture));
    }
}
