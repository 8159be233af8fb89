using System.Collections.Concurrent;
using System.Text;

namespace PersonalizationEngine.Storage.Tests;

/// <summary>
/// The storage contract, written once and run for every backend (Orleans.Persistence.TestKit does the same).
/// Keys are random per test, so tests sharing a store never see each other's rows.
/// </summary>
public abstract class StorageContractTests : IAsyncLifetime
{
    private readonly List<IStorageProvider> _opened = [];

    protected IStorageProvider Provider { get; private set; } = null!;

    /// <summary>False for the in-memory provider, which by design forgets everything when a new instance is made.</summary>
    protected virtual bool IsDurable => true;

    public async Task InitializeAsync()
    {
        Provider = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _opened)
        {
            await provider.DisposeAsync();
        }
    }

    /// <summary>A new, initialised provider instance on the same store (new pool or reopened file).</summary>
    protected abstract Task<IStorageProvider> CreateProviderAsync();

    protected async Task<IStorageProvider> OpenAsync()
    {
        var provider = await CreateProviderAsync();
        _opened.Add(provider);
        return provider;
    }

    protected static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static JournalAppend Event(string stream, string id, string body) => new(stream, id, Encoding.UTF8.GetBytes(body));

    private static async Task<List<JournalEntry>> ReadAllAsync(IEventJournal journal, string stream, long after = 0)
    {
        var result = new List<JournalEntry>();
        await foreach (var entry in journal.ReadAsync(stream, after))
        {
            result.Add(entry);
        }

        return result;
    }

    [Fact]
    public async Task Is_healthy_when_the_backend_answers()
    {
        Assert.True(await Provider.IsHealthyAsync());
    }

    [Fact]
    public async Task State_round_trips_and_version_starts_at_1_and_increments()
    {
        var key = NewKey("customer");
        Assert.Null(await Provider.States.ReadAsync("customer", key));

        Assert.Equal(1, await Provider.States.WriteAsync("customer", key, [1, 2, 3], 0));
        var first = await Provider.States.ReadAsync("customer", key);
        Assert.NotNull(first);
        Assert.Equal(1, first.Version);
        Assert.Equal([1, 2, 3], first.Data);

        Assert.Equal(2, await Provider.States.WriteAsync("customer", key, [4, 5], 1));
        var second = await Provider.States.ReadAsync("customer", key);
        Assert.Equal(2, second!.Version);
        Assert.Equal([4, 5], second.Data);
    }

    [Fact]
    public async Task Stale_write_throws_with_actual_version_and_leaves_data_unchanged()
    {
        var key = NewKey("customer");
        await Provider.States.WriteAsync("customer", key, [1], 0);
        await Provider.States.WriteAsync("customer", key, [2], 1);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Provider.States.WriteAsync("customer", key, [9, 9], 1));
        Assert.Equal(1, ex.ExpectedVersion);
        Assert.Equal(2, ex.ActualVersion);

        var stored = await Provider.States.ReadAsync("customer", key);
        Assert.Equal(2, stored!.Version);
        Assert.Equal([2], stored.Data);
    }

    [Fact]
    public async Task Create_when_record_exists_conflicts()
    {
        var key = NewKey("customer");
        await Provider.States.WriteAsync("customer", key, [1], 0);
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Provider.States.WriteAsync("customer", key, [2], 0));
        Assert.Equal(1, ex.ActualVersion);
        Assert.Equal([1], (await Provider.States.ReadAsync("customer", key))!.Data);
    }

    [Fact]
    public async Task Update_of_a_missing_record_conflicts_and_creates_nothing()
    {
        var key = NewKey("customer");
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Provider.States.WriteAsync("customer", key, [2], 3));
        Assert.Null(ex.ActualVersion);
        Assert.Null(await Provider.States.ReadAsync("customer", key));
    }

    [Fact]
    public async Task Concurrent_writers_with_the_same_version_exactly_one_wins()
    {
        var key = NewKey("customer");
        await Provider.States.WriteAsync("customer", key, [0], 0);
        var attempts = Enumerable.Range(1, 16).Select(async i =>
        {
            try
            {
                await Provider.States.WriteAsync("customer", key, [(byte)i], 1);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        });
        var results = await Task.WhenAll(attempts);
        Assert.Equal(1, results.Count(r => r));
        Assert.Equal(2, (await Provider.States.ReadAsync("customer", key))!.Version);
    }

    [Fact]
    public async Task Many_concurrent_writers_on_distinct_keys_all_succeed_and_keep_their_order()
    {
        // Hundreds of grains creating and updating their records at once (what group commit batches together).
        var keys = Enumerable.Range(0, 400).Select(_ => NewKey("customer")).ToList();
        await Task.WhenAll(keys.Select(async (key, i) =>
        {
            Assert.Equal(1, await Provider.States.WriteAsync("customer", key, [(byte)i, 1], 0));
            Assert.Equal(2, await Provider.States.WriteAsync("customer", key, [(byte)i, 2], 1));
            Assert.Equal(3, await Provider.States.WriteAsync("customer", key, [(byte)i, 3], 2));
        }));
        for (var i = 0; i < keys.Count; i++)
        {
            var stored = await Provider.States.ReadAsync("customer", keys[i]);
            Assert.Equal(3, stored!.Version);
            Assert.Equal(new[] { (byte)i, (byte)3 }, stored.Data);
        }
    }

    [Fact]
    public async Task Delete_removes_the_record_whatever_its_version()
    {
        var key = NewKey("customer");
        await Provider.States.WriteAsync("customer", key, [1], 0);
        Assert.True(await Provider.States.DeleteAsync("customer", key));
        Assert.Null(await Provider.States.ReadAsync("customer", key));
        Assert.False(await Provider.States.DeleteAsync("customer", key));
        Assert.Equal(1, await Provider.States.WriteAsync("customer", key, [3], 0));
    }

    [Fact]
    public async Task Journal_read_after_a_sequence_returns_only_later_entries_in_order()
    {
        var stream = NewKey("stream");
        var other = NewKey("stream");
        var first = await Provider.Journal.AppendAsync([Event(stream, "e1", "a"), Event(other, "x1", "x"), Event(stream, "e2", "b")]);
        var second = await Provider.Journal.AppendAsync([Event(stream, "e3", "c")]);
        Assert.Equal(3, first.Count);
        Assert.True(first[0] < first[1] && first[1] < first[2] && first[2] < second[0]);

        var all = await ReadAllAsync(Provider.Journal, stream);
        Assert.Equal(["e1", "e2", "e3"], all.Select(e => e.EventId));
        Assert.Equal([first[0], first[2], second[0]], all.Select(e => e.Sequence));
        Assert.Equal("b", Encoding.UTF8.GetString(all[1].Payload));
        Assert.All(all, e => Assert.Equal(stream, e.StreamKey));

        var after = await ReadAllAsync(Provider.Journal, stream, first[0]);
        Assert.Equal(["e2", "e3"], after.Select(e => e.EventId));
    }

    [Fact]
    public async Task Journal_read_of_an_unknown_stream_is_empty()
    {
        Assert.Empty(await ReadAllAsync(Provider.Journal, NewKey("nobody")));
    }

    [Fact]
    public async Task Journal_trim_removes_up_to_and_including_the_sequence()
    {
        var stream = NewKey("stream");
        var seqs = await Provider.Journal.AppendAsync([Event(stream, "e1", "a"), Event(stream, "e2", "b"), Event(stream, "e3", "c")]);
        Assert.Equal(2, await Provider.Journal.TrimAsync(stream, seqs[1]));
        Assert.Equal(["e3"], (await ReadAllAsync(Provider.Journal, stream)).Select(e => e.EventId));
    }

    [Fact]
    public async Task Journal_trim_keeps_the_newest_entries_of_the_stream()
    {
        var stream = NewKey("stream");
        var other = NewKey("stream");
        var seqs = await Provider.Journal.AppendAsync([Event(stream, "e1", "a"), Event(other, "x1", "x"), Event(stream, "e2", "b"), Event(stream, "e3", "c"), Event(stream, "e4", "d")]);
        // Up to e3, keeping the newest two of the stream (e3, e4): only e1 and e2 go; the other stream is untouched.
        Assert.Equal(2, await Provider.Journal.TrimAsync(stream, seqs[3], keepLast: 2));
        Assert.Equal(["e3", "e4"], (await ReadAllAsync(Provider.Journal, stream)).Select(e => e.EventId));
        Assert.Equal(["x1"], (await ReadAllAsync(Provider.Journal, other)).Select(e => e.EventId));
        // Keeping more than the stream holds removes nothing; keeping fewer than lie beyond the sequence removes only up to it.
        Assert.Equal(0, await Provider.Journal.TrimAsync(stream, seqs[4], keepLast: 5));
        Assert.Equal(1, await Provider.Journal.TrimAsync(stream, seqs[3], keepLast: 0));
        Assert.Equal(["e4"], (await ReadAllAsync(Provider.Journal, stream)).Select(e => e.EventId));
    }

    [Fact]
    public async Task Journal_delete_stream_removes_only_that_stream()
    {
        var stream = NewKey("stream");
        var other = NewKey("stream");
        await Provider.Journal.AppendAsync([Event(stream, "e1", "a"), Event(other, "x1", "x"), Event(stream, "e2", "b")]);
        Assert.Equal(2, await Provider.Journal.DeleteStreamAsync(stream));
        Assert.Empty(await ReadAllAsync(Provider.Journal, stream));
        Assert.Single(await ReadAllAsync(Provider.Journal, other));
        Assert.Equal(0, await Provider.Journal.DeleteStreamAsync(stream));
    }

    [Fact]
    public async Task Concurrent_appends_from_many_writers_lose_nothing_and_keep_each_writers_order()
    {
        const int writers = 32;
        const int perWriter = 2_000;
        const int streams = 8;
        var prefix = NewKey("load");
        var acknowledged = new ConcurrentDictionary<string, long>();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var i = 0;
            while (i < perWriter)
            {
                // Mixed call sizes (1..4 events) and mixed streams, as the gateway produces them.
                var size = Math.Min(1 + (i % 4), perWriter - i);
                var batch = Enumerable.Range(i, size).Select(n => Event($"{prefix}-{n % streams}", $"w{w}-{n}", $"payload {w} {n}")).ToArray();
                var seqs = await Provider.Journal.AppendAsync(batch);
                Assert.Equal(size, seqs.Count);
                for (var k = 0; k < size; k++)
                {
                    Assert.True(acknowledged.TryAdd(batch[k].EventId, seqs[k]));
                }

                i += size;
            }
        })));

        Assert.Equal(writers * perWriter, acknowledged.Count);
        Assert.Equal(writers * perWriter, acknowledged.Values.Distinct().Count());

        var seen = new Dictionary<string, long>();
        for (var s = 0; s < streams; s++)
        {
            var lastPerWriter = new Dictionary<int, int>();
            long lastSequence = 0;
            foreach (var entry in await ReadAllAsync(Provider.Journal, $"{prefix}-{s}"))
            {
                Assert.True(entry.Sequence > lastSequence);
                lastSequence = entry.Sequence;
                seen.Add(entry.EventId, entry.Sequence);
                Assert.Equal(acknowledged[entry.EventId], entry.Sequence);
                var parts = entry.EventId[1..].Split('-');
                var (writer, n) = (int.Parse(parts[0]), int.Parse(parts[1]));
                Assert.Equal($"payload {writer} {n}", Encoding.UTF8.GetString(entry.Payload));
                Assert.True(!lastPerWriter.TryGetValue(writer, out var previous) || previous < n, "per-stream order must follow the writer's order");
                lastPerWriter[writer] = n;
            }
        }

        Assert.Equal(writers * perWriter, seen.Count);
    }

    [Fact]
    public async Task Appended_entries_are_read_by_a_brand_new_provider_instance()
    {
        if (!IsDurable)
        {
            return;
        }

        var stream = NewKey("stream");
        var seqs = await Provider.Journal.AppendAsync([Event(stream, "e1", "a"), Event(stream, "e2", "b")]);
        var key = NewKey("customer");
        await Provider.States.WriteAsync("customer", key, [7], 0);

        var reopened = await OpenAsync();
        var entries = await ReadAllAsync(reopened.Journal, stream);
        Assert.Equal(seqs, entries.Select(e => e.Sequence));
        Assert.Equal([7], (await reopened.States.ReadAsync("customer", key))!.Data);
    }

    [Fact]
    public async Task Reminders_upsert_read_due_and_delete()
    {
        var key = NewKey("customer");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await Provider.Reminders.UpsertAsync(new ReminderEntry("customer", key, "churn", now.AddMinutes(-1), TimeSpan.FromHours(1)));
        await Provider.Reminders.UpsertAsync(new ReminderEntry("customer", key, "later", now.AddDays(1), TimeSpan.Zero));

        var due = (await Provider.Reminders.ReadDueAsync(now)).Where(r => r.Key == key).ToList();
        var single = Assert.Single(due);
        Assert.Equal("churn", single.Name);
        Assert.Equal(now.AddMinutes(-1), single.DueAt);
        Assert.Equal(TimeSpan.FromHours(1), single.Period);

        // Upsert moves the existing reminder rather than adding a second one.
        await Provider.Reminders.UpsertAsync(new ReminderEntry("customer", key, "churn", now.AddDays(2), TimeSpan.FromHours(2)));
        Assert.DoesNotContain(await Provider.Reminders.ReadDueAsync(now), r => r.Key == key);
        var mine = await Provider.Reminders.ReadAsync("customer", key);
        Assert.Equal(2, mine.Count);

        Assert.True(await Provider.Reminders.DeleteAsync("customer", key, "churn"));
        Assert.False(await Provider.Reminders.DeleteAsync("customer", key, "churn"));
        Assert.Equal("later", Assert.Single(await Provider.Reminders.ReadAsync("customer", key)).Name);
    }

    [Fact]
    public async Task Read_version_follows_writes_without_reading_data()
    {
        var key = NewKey("catalog");
        Assert.Equal(0, await Provider.States.ReadVersionAsync("catalog", key));
        await Provider.States.WriteAsync("catalog", key, [1], 0);
        Assert.Equal(1, await Provider.States.ReadVersionAsync("catalog", key));
        await Provider.States.WriteAsync("catalog", key, [2], 1);
        Assert.Equal(2, await Provider.States.ReadVersionAsync("catalog", key));
    }

    [Fact]
    public async Task A_writer_claim_fences_the_previous_writers_appends_and_state_writes()
    {
        var stream = NewKey("customer");
        await Provider.States.WriteAsync("customer", stream, [1], 0);
        var first = await Provider.ClaimWriterAsync("customer", stream);
        Assert.True(first >= 1);
        Assert.Equal(2, await Provider.States.ReadVersionAsync("customer", stream)); // the claim moved the version on
        await Provider.Journal.AppendAsync([Event(stream, "a1", "a") with { Epoch = first }]);

        // A second activation claims: the first one's append and its snapshot write (expecting version 2) are refused.
        var second = await Provider.ClaimWriterAsync("customer", stream);
        Assert.Equal(first + 1, second);
        var stale = await Assert.ThrowsAsync<StaleWriterException>(() => Provider.Journal.AppendAsync([Event(stream, "a2", "stale")  with { Epoch = first }]));
        Assert.Equal(stream, stale.StreamKey);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Provider.States.WriteAsync("customer", stream, [9], 2));
        await Provider.Journal.AppendAsync([Event(stream, "b1", "b") with { Epoch = second }]);
        Assert.Equal(["a1", "b1"], (await ReadAllAsync(Provider.Journal, stream)).Select(e => e.EventId));
        Assert.Equal([1], (await Provider.States.ReadAsync("customer", stream))!.Data);

        // Unfenced appends (one node) are not checked; other streams are not affected.
        await Provider.Journal.AppendAsync([Event(stream, "c1", "c")]);
        var other = NewKey("customer");
        await Provider.Journal.AppendAsync([Event(other, "o1", "o") with { Epoch = await Provider.ClaimWriterAsync("customer", other) }]);
        Assert.Equal(["a1", "b1", "c1"], (await ReadAllAsync(Provider.Journal, stream)).Select(e => e.EventId));

        // A grain with no state yet: the claim creates an empty record, so a stale writer's create (version 0) fails.
        var fresh = NewKey("customer");
        await Provider.ClaimWriterAsync("customer", fresh);
        var placeholder = await Provider.States.ReadAsync("customer", fresh);
        Assert.Equal(1, placeholder!.Version);
        Assert.Empty(placeholder.Data);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Provider.States.WriteAsync("customer", fresh, [5], 0));
        await Provider.ClaimWriterAsync("customer", fresh);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Provider.States.WriteAsync("customer", fresh, [5], 1));
        Assert.Equal(3, await Provider.States.WriteAsync("customer", fresh, [6], 2));
    }

    [Fact]
    public async Task Fenced_and_current_writers_appending_together_only_the_current_one_is_written()
    {
        var streams = Enumerable.Range(0, 40).Select(_ => NewKey("customer")).ToList();
        var old = new Dictionary<string, long>();
        var current = new Dictionary<string, long>();
        foreach (var s in streams)
        {
            old[s] = await Provider.ClaimWriterAsync("customer", s);
            current[s] = await Provider.ClaimWriterAsync("customer", s);
        }
        // Both generations append concurrently (one group commit may hold both): only the current ones land.
        var appends = streams.SelectMany(s => new[]
        {
            Provider.Journal.AppendAsync([Event(s, "stale", "x") with { Epoch = old[s] }]),
            Provider.Journal.AppendAsync([Event(s, "fresh", "y") with { Epoch = current[s] }]),
        }).ToList();
        var outcomes = await Task.WhenAll(appends.Select(async a => { try { await a; return "ok"; } catch (StaleWriterException) { return "fenced"; } }));
        Assert.Equal(streams.Count, outcomes.Count(o => o == "ok"));
        Assert.Equal(streams.Count, outcomes.Count(o => o == "fenced"));
        foreach (var s in streams)
        {
            Assert.Equal(["fresh"], (await ReadAllAsync(Provider.Journal, s)).Select(e => e.EventId));
        }
    }

    [Fact]
    public async Task A_due_reminder_is_claimed_by_exactly_one_of_many_pollers()
    {
        var key = NewKey("customer");
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await Provider.Reminders.UpsertAsync(new ReminderEntry("customer", key, "churn", now.AddMinutes(-1), TimeSpan.FromHours(1)));
        var due = (await Provider.Reminders.ReadDueAsync(now)).Single(r => r.Key == key);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Provider.Reminders.TryClaimAsync(due, due.DueAt + TimeSpan.FromHours(1))));
        Assert.Equal(1, claims.Count(c => c));
        Assert.Equal(now.AddMinutes(59), Assert.Single(await Provider.Reminders.ReadAsync("customer", key)).DueAt);

        await Provider.Reminders.UpsertAsync(new ReminderEntry("customer", key, "once", now.AddMinutes(-1), TimeSpan.Zero));
        var once = (await Provider.Reminders.ReadDueAsync(now)).Single(r => r.Key == key && r.Name == "once");
        var onceClaims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Provider.Reminders.TryClaimAsync(once, null)));
        Assert.Equal(1, onceClaims.Count(c => c));
        Assert.DoesNotContain(await Provider.Reminders.ReadAsync("customer", key), r => r.Name == "once");
    }
}
