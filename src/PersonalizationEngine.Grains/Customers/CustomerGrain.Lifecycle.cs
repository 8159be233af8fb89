using System.Text.Json;
using PersonalizationEngine.Domain.Events;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Grains.Protection;

namespace PersonalizationEngine.Grains.Customers;

public sealed partial class CustomerGrain
{
    private async ValueTask<CustomerKeyStore> KeyStoreAsync() => new(storage, await keys.ProtectorAsync().ConfigureAwait(false));

    /// <summary>
    /// Merge step 1 (on the profile that disappears): writes a snapshot and hands over a copy of the profile
    /// with the journal position it includes. Null when the profile does not exist (or already moved).
    /// </summary>
    public async Task<MergeExport?> ExportForMergeAsync()
    {
        if (!Exists)
        {
            return null;
        }
        await WriteStateAsync().ConfigureAwait(false);
        var copy = JsonSerializer.Deserialize<CustomerProfile>(JsonSerializer.SerializeToUtf8Bytes(_profile, Json), Json)!;
        return new MergeExport(copy, State.JournalSequence, State.Absorbed?.ToList());
    }

    /// <summary>
    /// Merge step 2 (on the survivor): fuses the exported profile in and writes the snapshot before answering,
    /// so the merged data is durable here before the other side lets go of it. Idempotent per source profile.
    /// </summary>
    public async Task AbsorbAsync(MergeExport export)
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
        _dataKey ??= await (await KeyStoreAsync().ConfigureAwait(false)).CreateAsync(Key, CancellationToken.None).ConfigureAwait(false);
        _profile ??= new CustomerProfile(Key);
        var merged = _profile.MergeFrom(export.Profile, Settings, Time.GetUtcNow());
        Notify(merged.SegmentChanges);
        (State.Absorbed ??= []).Add(from);
        // Transitively: erasing this profile must also drop the records of everything folded into the one absorbed.
        if (export.Absorbed is { } earlier) State.Absorbed.AddRange(earlier.Where(id => !State.Absorbed.Contains(id)));
        await SnapshotAsync(force: true).ConfigureAwait(false);
    }

    /// <summary>Merge of a profile that held nothing yet: only remember it (erasure drops its forwarding record too).</summary>
    public async Task NoteAbsorbedAsync(string from)
    {
        if (State.Absorbed?.Contains(from) == true) return;
        (State.Absorbed ??= []).Add(from);
        if (_profile is not null) await SnapshotAsync(force: true).ConfigureAwait(false);
        else await WriteStateAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Merge step 3 (on the profile that disappears): records where it went, destroys its data and key, and
    /// returns the events it applied after the export so the caller can forward them to the survivor.
    /// </summary>
    public async Task<IReadOnlyList<CustomerEvent>> CompleteMergeAsync(string survivorId, long exportedSequence)
    {
        if (State.MergedInto is not null)
        {
            return [];
        }
        // Every started batch is durable or failed before the journal is read, so nothing durable is left behind.
        await WaitForAppendsAsync().ConfigureAwait(false);
        var late = new List<CustomerEvent>();
        if (_dataKey is not null)
        {
            await foreach (var entry in storage.Journal.ReadAsync(Key, exportedSequence).ConfigureAwait(false))
            {
                late.Add(JsonSerializer.Deserialize<CustomerEvent>(CustomerDataProtector.Open(_dataKey, Key, entry.Payload), Json)!);
            }
        }
        if (_profile is not null) segmentCounts.Add(_profile.Segments, -1);
        State.MergedInto = survivorId;
        State.Sealed = null;
        State.Absorbed = null;
        _profile = null;
        await WriteStateAsync().ConfigureAwait(false);
        await DestroyDataAsync().ConfigureAwait(false);
        return late;
    }

    /// <summary>
    /// Erasure: returns the identifiers (so the caller can drop their links) and deletes the journal stream, the
    /// snapshot and the data key. Nothing of this person stays readable, backups included.
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, List<string>> Identifiers, IReadOnlyList<string> Absorbed)> EraseAsync()
    {
        var identifiers = _profile?.Identifiers ?? new Dictionary<string, List<string>>();
        IReadOnlyList<string> absorbed = State.Absorbed?.ToList() ?? [];
        if (Exists) segmentCounts.Add(_profile!.Segments, -1);
        await WaitForAppendsAsync().ConfigureAwait(false);
        foreach (var batch in _issued.Values) batch.Applied.TrySetException(new IngestAbandonedException("The customer was erased."));
        _issued.Clear();
        await DestroyDataAsync().ConfigureAwait(false);
        await ClearStateAsync().ConfigureAwait(false);
        _profile = null;
        _sinceSnapshot = 0;
        DeactivateOnIdle();
        return (identifiers, absorbed);
    }

    /// <summary>Erasure of a profile that was merged into an erased one: drops the forwarding record.</summary>
    public async Task ForgetAsync()
    {
        await DestroyDataAsync().ConfigureAwait(false);
        await ClearStateAsync().ConfigureAwait(false);
        _profile = null;
        DeactivateOnIdle();
    }

    private async Task DestroyDataAsync()
    {
        await UnregisterReminderAsync(ChurnReminderName).ConfigureAwait(false);
        await storage.Journal.DeleteStreamAsync(Key).ConfigureAwait(false);
        await (await KeyStoreAsync().ConfigureAwait(false)).DestroyAsync(Key, CancellationToken.None).ConfigureAwait(false);
        _dataKey = null;
    }

    /// <summary>The full, unmasked profile for a GDPR access request (export).</summary>
    public CustomerProfile? ExportProfile() => Exists ? _profile : null;

    /// <summary>
    /// Unmerge step 1: splits the events carrying any of <paramref name="identifiersToMove"/> (<c>type:value</c>)
    /// off into a new profile (rebuilt by re-applying them). Returns the moved part for the new profile's grain
    /// to absorb, and whether the split is exact (every event still in history), without changing this profile
    /// yet; <see cref="CompleteSplitAsync"/> commits once the other side holds its part durably.
    /// </summary>
    public (MergeExport Moved, bool Exact)? PrepareSplit(IReadOnlySet<string> identifiersToMove, string newProfileId)
    {
        if (!Exists) return null;
        var (remaining, moved, exact) = _profile!.Split(identifiersToMove, newProfileId, Settings, Time.GetUtcNow());
        // Linking events went to the moved side; identifiers the remaining side still has stay linked to it only.
        foreach (var (type, values) in remaining.Identifiers)
        {
            if (!moved.Identifiers.TryGetValue(type, out var theirs)) continue;
            theirs.RemoveAll(v => values.Contains(v) && !identifiersToMove.Contains(type + ":" + v));
            if (theirs.Count == 0) moved.Identifiers.Remove(type);
        }
        return (new MergeExport(moved, 0), exact);
    }

    /// <summary>Unmerge step 2: keeps only the remaining part (re-split from the same state) and snapshots it.</summary>
    public async Task<IReadOnlyDictionary<string, List<string>>> CompleteSplitAsync(IReadOnlySet<string> identifiersToMove, string newProfileId)
    {
        var (remaining, moved, _) = _profile!.Split(identifiersToMove, newProfileId, Settings, Time.GetUtcNow());
        segmentCounts.Add(_profile.Segments, -1);
        // Identifiers that only the moved events carried leave this profile, even if history was incomplete.
        foreach (var key in identifiersToMove)
        {
            var colon = key.IndexOf(':');
            if (remaining.Identifiers.TryGetValue(key[..colon], out var values)) values.Remove(key[(colon + 1)..]);
        }
        foreach (var type in remaining.Identifiers.Where(p => p.Value.Count == 0).Select(p => p.Key).ToList()) remaining.Identifiers.Remove(type);
        remaining.Scores = _profile.Scores;
        _profile = remaining;
        segmentCounts.Add(_profile.Segments, +1);
        await SnapshotAsync(force: true).ConfigureAwait(false);
        return moved.Identifiers;
    }
}
