using PersonalizationEngine.LoadGen.Workload;

namespace PersonalizationEngine.LoadGen.Tests;

internal sealed class FixedSource : IRequestSource
{
    public RequestSpec Next() => new("/x", null, 1, AuthKind.Bearer);
}
