namespace PersonalizationEngine.Storage.Journal;

/// <summary>One caller's append waiting for the group-commit writer.</summary>
internal sealed class PendingAppend(IReadOnlyList<JournalAppend> entries)
{
    public IReadOnlyList<JournalAppend> Entries { get; } = entries;

    // Continuations run asynchronously so completing thousands of callers never runs their code on the writer loop.
    public TaskCompletionSource<IReadOnlyList<long>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
