namespace PersonalizationEngine.Baselines.NaiveLogger;

/// <summary>A table of events. <see cref="AppendAsync"/> returns only once every event of the call is committed, in one transaction.</summary>
public interface IEventLog : IAsyncDisposable
{
    Task EnsureSchemaAsync(CancellationToken cancellationToken);

    Task AppendAsync(IReadOnlyList<LoggedEvent> events, CancellationToken cancellationToken);
}
