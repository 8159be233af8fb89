using Orleans.Concurrency;
using PersonalizationEngine.Learning.Models;

namespace PersonalizationEngine.Contracts;

/// <summary>
/// One customer (key: the engine's profile id). Owns the fused profile, sequences the customer's events and answers
/// from memory. Every answer is a copy: nothing returned is the grain's live state.
/// </summary>
[Alias("pe.ICustomerGrain")]
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Journals the batch (durable before anything is applied), then applies it, in the order batches arrived. Calls
    /// interleave so that several batches of one busy customer share the journal's group commit; the grain sequences
    /// them itself (<c>CustomerGrain.Ingest.cs</c>).
    /// </summary>
    [AlwaysInterleave, Alias("ingest")]
    Task<IngestReply> IngestAsync(IngestBatch batch);

    [Alias("status")]
    ValueTask<CustomerStatus> StatusAsync();

    [Alias("profile")]
    ValueTask<ProfileView?> GetProfileAsync();

    [Alias("identifiers")]
    ValueTask<IdentifierSet> GetIdentifiersAsync();

    [Alias("features")]
    ValueTask<FeatureSnapshot?> FeaturesAsync(DateTimeOffset asOf);

    [Alias("churn")]
    ValueTask<ChurnAnswer> ChurnRiskAsync();

    [Alias("decide")]
    ValueTask<DecisionView> DecideAsync(DecideInput input);

    /// <summary>Writes the snapshot now (when due or forced) and trims the journal it covers.</summary>
    [Alias("snapshot")]
    Task SnapshotAsync(bool force);

    /// <summary>The periodic churn re-score, delivered by the engine's reminder poller.</summary>
    [Alias("reminder")]
    Task ReceiveReminderAsync(string name);

    [Alias("merge-export")]
    Task<MergeExport?> ExportForMergeAsync();

    [Alias("merge-absorb")]
    Task AbsorbAsync(MergeExport export);

    [Alias("merge-note")]
    Task NoteAbsorbedAsync(string from);

    [Alias("merge-complete")]
    Task<EventList> CompleteMergeAsync(string survivorId, long exportedSequence);

    [Alias("erase")]
    Task<ErasureResult> EraseAsync();

    [Alias("forget")]
    Task ForgetAsync();

    [Alias("export")]
    Task<CustomerExport?> ExportAsync();

    [Alias("split-prepare")]
    Task<SplitPlan?> PrepareSplitAsync(IdentifierKeys identifiersToMove, string newProfileId);

    [Alias("split-complete")]
    Task<IdentifierSet> CompleteSplitAsync(IdentifierKeys identifiersToMove, string newProfileId);

    /// <summary>The events the journal holds for this profile, newest first, a page at a time (console; identifiers by type only).</summary>
    [Alias("console-timeline")]
    Task<TimelinePage?> TimelineAsync(TimelineQuery query);

    /// <summary>Identifiers (masked) with where and when they were linked, and the merges and unmerges seen in the journal.</summary>
    [Alias("console-identity")]
    Task<IdentityGraph?> IdentityGraphAsync();

    /// <summary>Segments with entry times and the most recent decisions with their score breakdown and outcomes.</summary>
    [Alias("console-activity")]
    ValueTask<CustomerActivity?> ActivityAsync();
}

/// <summary>The churn answer: null score without a profile or a model.</summary>
[GenerateSerializer, Immutable, Alias("pe.ChurnAnswer")]
public sealed record ChurnAnswer([property: Id(0)] ChurnScore? Score);
