namespace PersonalizationEngine.Domain.Tests.Profiles;

/// <summary>Heap-delta measurements run alone: other tests allocating in parallel would count in the delta.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;
