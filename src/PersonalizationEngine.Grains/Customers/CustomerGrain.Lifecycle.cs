using System.Text.Json;
using PersonalizationEngine.Contracts;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Protection;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Customers;

public sealed partial class CustomerGrain
{
    private async ValueTask<CustomerKeyStore> KeyStoreAsync() => new(storage, await keys.ProtectorAsync().ConfigureAwait(true));

    /// <summary>
    /// Merge step 1 (on the profile that disappears): writes a snapshot and hands over a copy of the profile
    /// with the journal position it includes and the events its journal still holds (for the survivor's stream,
    /// so a later unmerge can split them out again). Null when the profile does not exist (or already moved).
    /// </summary>
    public Task<MergeExport?> ExportForMergeAsync() => ExclusiveAsync(async () =>
    {
        if (!Exists)
        {
            return null;
        }
        await WriteStateAsync().ConfigureAwait(true);
        return (MergeExport?)new MergeExport(CopyProfile(), State.JournalSequence, State.Absorbed?.ToList(), await RetainedEventsAsync().ConfigureAwait(true));
    });

    /// <summary>
    /// Merge step 2 (on the survivor): appends the exported profile's events to this customer's stream (sealed with
    /// this customer's key, as history that replay skips), fuses the profile in and writes the snapshot before
    /// answering, so the merged data is durable here before the other side lets go of it. Idempotent per source
    /// profile: a retry after a crash appends only the events not already moved in.
    /// </summary>
    public Task AbsorbAsync(MergeExport export) => ExclusiveAsync(async () =>
    {
        if (State.MergedInto is not null)
        {
            throw new InvalidOperationException($"Profile {Key} was itself merged into {State.MergedInto}.");
        }
        var from = export.Profile.ProfileId;
        if (State.Absorbed?.Contains(from) == true)
        {
            return;
        }
        _dataKey ??= await (await KeyStoreAsync().ConfigureAwait(true)).CreateAsync(Key, CancellationToken.None).ConfigureAwait(true);
        await MoveInHistoryAsync(from, export.RetainedEvents).ConfigureAwait(true);
        _profile ??= new CustomerProfile(Key);
        var merged = _profile.MergeFrom(export.Profile, Settings, time.GetUtcNow());
        Notify(merged.SegmentChanges);
        (State.Absorbed ??= []).Add(from);
        // Transitively: erasing this profile must also drop the records of everything folded into the one absorbed.
        if (export.Absorbed is { } earlier) State.Absorbed.AddRange(earlier.Where(id => !State.Absorbed.Contains(id)));
        await SnapshotAsync(force: true).ConfigureAwait(true);
    });

    /// <summary>Merge of a profile that held nothing yet: only remember it (erasure drops its forwarding record too).</summary>
    public Task NoteAbsorbedAsync(string from) => ExclusiveAsync(async () =>
    {
        if (State.Absorbed?.Contains(from) == true) return;
        (State.Absorbed ??= []).Add(from);
        if (_profile is not null) await SnapshotAsync(force: true).ConfigureAwait(true);
        else await WriteStateAsync().ConfigureAwait(true);
    });

    /// <summary>
    /// Merge step 3 (on the profile that disappears): records where it went, destroys its data and key, and
    /// returns the events it applied after the export so the caller can forward them to the survivor.
    /// </summary>
    public Task<EventList> CompleteMergeAsync(string survivorId, long exportedSequence) => ExclusiveAsync(async () =>
    {
        if (State.MergedInto is not null)
        {
            return new EventList([]);
        }
        // Every started batch is durable or failed before the journal is read (the gate), so nothing durable is left behind.
        var late = new List<CustomerEvent>();
        if (_dataKey is not null)
        {
            await foreach (var entry in storage.Journal.ReadAsync(Key, exportedSequence).ConfigureAwait(true))
            {
                // History entries went over with the export; only events applied after it are forwarded.
                if (OpenEntry(entry) is (var e, History: false)) late.Add(e);
            }
        }
        if (_profile is not null) segmentCounts.Add(_profile.Segments, -1, Key);
        State.MergedInto = survivorId;
        State.Sealed = null;
        State.Absorbed = null;
        _profile = null;
        await WriteStateAsync().ConfigureAwait(true);
        await DestroyDataAsync().ConfigureAwait(true);
        return new EventList(late);
    });

    /// <summary>
    /// Erasure: returns the identifiers (so the caller can drop their links) and deletes the journal stream, the
    /// snapshot and the data key. Nothing of this person stays readable, backups included.
    /// </summary>
    public Task<ErasureResult> EraseAsync() => ExclusiveAsync(async () =>
    {
        var identifiers = _profile is null ? new Dictionary<string, List<string>>(StringComparer.Ordinal) : CopyIdentifiers(_profile.Identifiers);
        IReadOnlyList<string> absorbed = State.Absorbed?.ToList() ?? [];
        if (Exists) segmentCounts.Add(_profile!.Segments, -1, Key);
        _profile = null;
        ForgetPending();
        await DestroyDataAsync().ConfigureAwait(true);
        await ClearStateAsync().ConfigureAwait(true);
        _sinceSnapshot = 0;
        DeactivateOnIdle();
        return new ErasureResult(identifiers, absorbed);
    });

    /// <summary>Erasure of a profile that was merged into an erased one: drops the forwarding record.</summary>
    public Task ForgetAsync() => ExclusiveAsync(async () =>
    {
        _profile = null;
        await DestroyDataAsync().ConfigureAwait(true);
        await ClearStateAsync().ConfigureAwait(true);
        DeactivateOnIdle();
    });

    private async Task DestroyDataAsync()
    {
        await UnregisterReminderAsync().ConfigureAwait(true);
        await storage.Journal.DeleteStreamAsync(Key).ConfigureAwait(true);
        await (await KeyStoreAsync().ConfigureAwait(true)).DestroyAsync(Key, CancellationToken.None).ConfigureAwait(true);
        _dataKey = null;
    }

    /// <summary>
    /// The full, unmasked profile and the events its journal still holds (event-time order), for a GDPR access
    /// request (export). Null when the profile does not exist.
    /// </summary>
    public Task<CustomerExport?> ExportAsync() => ExclusiveAsync(async () =>
    {
        if (!Exists) return null;
        var events = await RetainedEventsAsync().ConfigureAwait(true);
        return (CustomerExport?)new CustomerExport(CopyProfile(), [.. events.OrderBy(e => e.Timestamp)]);
    });

    /// <summary>
    /// Unmerge step 1: splits the events carrying any of <paramref name="identifiersToMove"/> (<c>type:value</c>)
    /// off into a new profile, rebuilding both sides by re-applying the events the journal retains. Returns the
    /// moved part (with its events) for the new profile's grain to absorb, and whether the split is exact (every
    /// applied event still retained), without changing this profile yet; <see cref="CompleteSplitAsync"/> commits
    /// once the other side holds its part durably.
    /// </summary>
    public Task<SplitPlan?> PrepareSplitAsync(IdentifierKeys identifiersToMove, string newProfileId) => ExclusiveAsync(async () =>
    {
        if (!Exists) return null;
        var split = await SplitAsync(identifiersToMove.Keys.ToHashSet(StringComparer.Ordinal), newProfileId).ConfigureAwait(true);
        var (remaining, moved) = (split.Remaining, split.Moved);
        // Linking events went to the moved side; identifiers the remaining side still has stay linked to it only.
        foreach (var (type, values) in remaining.Identifiers)
        {
            if (!moved.Identifiers.TryGetValue(type, out var theirs)) continue;
            theirs.RemoveAll(v => values.Contains(v) && !identifiersToMove.Keys.Contains(type + ":" + v));
            if (theirs.Count == 0) moved.Identifiers.Remove(type);
        }
        return (SplitPlan?)new SplitPlan(new MergeExport(moved, 0, Events: split.MovedEvents), split.Exact);
    });

    /// <summary>
    /// Unmerge step 2: keeps only the remaining part (re-split from the same state), snapshots it, and leaves the
    /// journal stream holding only the remaining side's events: they are appended again as history, then the
    /// snapshot is written, then every older entry is trimmed.
    /// </summary>
    public Task<IdentifierSet> CompleteSplitAsync(IdentifierKeys keys, string newProfileId) => ExclusiveAsync(async () =>
    {
        var identifiersToMove = keys.Keys.ToHashSet(StringComparer.Ordinal);
        var split = await SplitAsync(identifiersToMove, newProfileId).ConfigureAwait(true);
        var remaining = split.Remaining;
        segmentCounts.Add(_profile!.Segments, -1, Key);
        // Identifiers that only the moved events carried leave this profile, even if the journal was incomplete.
        foreach (var key in identifiersToMove)
        {
            var colon = key.IndexOf(':');
            if (remaining.Identifiers.TryGetValue(key[..colon], out var values)) values.Remove(key[(colon + 1)..]);
        }
        foreach (var type in remaining.Identifiers.Where(p => p.Value.Count == 0).Select(p => p.Key).ToList()) remaining.Identifiers.Remove(type);
        remaining.Scores = _profile.Scores;
        _profile = remaining;
        segmentCounts.Add(_profile.Segments, +1, Key);
        var kept = split.RemainingEvents.Count > 0
            ? await storage.Journal.AppendAsync([.. split.RemainingEvents.Select(e => SealEntry(e, historyOrigin: newProfileId))]).ConfigureAwait(true)
            : [];
        await WriteStateAsync().ConfigureAwait(true);
        _sinceSnapshot = 0;
        // Settled behind the gate: nothing else is in the stream, so everything before the copies is the old part.
        await storage.Journal.TrimAsync(Key, kept.Count > 0 ? kept.Min() - 1 : long.MaxValue).ConfigureAwait(true);
        return new IdentifierSet(CopyIdentifiers(split.Moved.Identifiers));
    });

    /// <summary>Splits the profile from the events its journal retains (called behind the gate: every batch is settled).</summary>
    private async Task<ProfileSplit> SplitAsync(IReadOnlySet<string> identifiersToMove, string newProfileId)
    {
        var events = await RetainedEventsAsync().ConfigureAwait(true);
        return _profile!.Split(events, identifiersToMove, newProfileId, Settings, time.GetUtcNow());
    }

    /// <summary>
    /// The events this profile applied that its journal stream still holds, in stream order: its own entries up to
    /// the snapshot's position and the history moved in by merges and splits.
    /// </summary>
    private async Task<List<CustomerEvent>> RetainedEventsAsync()
    {
        var events = new List<CustomerEvent>();
        await foreach (var entry in storage.Journal.ReadAsync(Key, 0).ConfigureAwait(true))
        {
            var (e, history) = OpenEntry(entry);
            if (history || entry.Sequence <= State.JournalSequence) events.Add(e);
        }
        return events;
    }

    /// <summary>
    /// Appends another profile's events to this stream as history from <paramref name="origin"/>, skipping those a
    /// previous attempt already appended (one append is atomic, but a crash may come before the snapshot).
    /// </summary>
    private async Task MoveInHistoryAsync(string origin, IReadOnlyList<CustomerEvent> events)
    {
        if (events.Count == 0) return;
        var present = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var entry in storage.Journal.ReadAsync(Key, 0).ConfigureAwait(true))
        {
            if (OpenEntry(entry).History) present.Add(entry.EventId);
        }
        var appends = events.Select(e => SealEntry(e, origin)).Where(a => present.Add(a.EventId)).ToList();
        if (appends.Count > 0) await storage.Journal.AppendAsync(appends).ConfigureAwait(true);
    }

    /// <summary>
    /// First byte of a history entry's plaintext (an event moved in by a merge or split, which replay must not apply
    /// again); an event's own JSON starts with <c>{</c>, so no client data can look like one.
    /// </summary>
    private const byte HistoryMark = (byte)'h';

    /// <summary>
    /// A journal entry for an event, sealed with this customer's key: the event itself, or, with an origin, history
    /// from that profile (entry id <c>origin:eventId</c>, so a retried merge can tell what it already moved).
    /// </summary>
    private JournalAppend SealEntry(CustomerEvent e, string? historyOrigin)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(e, CustomerJsonContext.Default.CustomerEvent);
        if (historyOrigin is null)
        {
            return new JournalAppend(Key, e.EventId, CustomerDataProtector.Seal(_dataKey!, Key, json), _epoch);
        }
        return new JournalAppend(Key, historyOrigin + ":" + e.EventId, CustomerDataProtector.Seal(_dataKey!, Key, [HistoryMark, .. json]), _epoch);
    }

    /// <summary>Opens a journal entry of this customer: the event and whether it is history (see <see cref="SealEntry"/>).</summary>
    private (CustomerEvent Event, bool History) OpenEntry(JournalEntry entry)
    {
        var plain = CustomerDataProtector.Open(_dataKey!, Key, entry.Payload);
        var history = plain.Length > 0 && plain[0] == HistoryMark;
        return (JsonSerializer.Deserialize(history ? plain.AsSpan(1) : plain, CustomerJsonContext.Default.CustomerEvent)!, history);
    }

    /// <summary>A deep copy of the profile (handed to another grain or out of the turn).</summary>
    private CustomerProfile CopyProfile() => JsonSerializer.Deserialize<CustomerProfile>(JsonSerializer.SerializeToUtf8Bytes(_profile, Json), Json)!;
}
