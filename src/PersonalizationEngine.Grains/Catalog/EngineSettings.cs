using Microsoft.Extensions.Options;
using PersonalizationEngine.Domain.Profiles;
using PersonalizationEngine.Domain.Segments;
using PersonalizationEngine.Storage;

namespace PersonalizationEngine.Grains.Catalog;

/// <summary>
/// The live profile settings every grain reads: configuration plus the segments defined through the API
/// (built-in segments first; a custom segment with the same id replaces the built-in one). Replaced as a
/// whole when a segment changes, so a grain always sees one consistent version.
/// </summary>
public sealed class EngineSettings
{
    private readonly ProfileSettings _base;
    private ProfileSettings _current;

    public EngineSettings(IOptions<EngineOptions> options, IStorageProvider storage)
    {
        _base = options.Value.Profile;
        _current = _base;
        Segments = new Catalog<SegmentRecord>(storage, "segments", s => s.Id);
        Segments.Changed += Rebuild;
    }

    public Catalog<SegmentRecord> Segments { get; }

    public ProfileSettings Current => Volatile.Read(ref _current);

    private void Rebuild(IReadOnlyCollection<SegmentRecord> records)
    {
        var custom = records.Select(r => r.Compile().Definition).OfType<SegmentDefinition>().ToList();
        var ids = custom.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var all = _base.Segments.Where(s => !ids.Contains(s.Id)).Concat(custom).ToList();
        Volatile.Write(ref _current, _base with { Segments = all });
    }
}
