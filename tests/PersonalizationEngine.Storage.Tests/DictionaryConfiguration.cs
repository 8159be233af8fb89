using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace PersonalizationEngine.Storage.Tests;

/// <summary>
/// Flat-key configuration for tests of <see cref="StorageProviderFactory.ReadOptions"/>, so this project needs no
/// package beyond the abstractions the storage project already pins.
/// </summary>
internal sealed class DictionaryConfiguration(IReadOnlyDictionary<string, string> values, string prefix = "") : IConfigurationSection
{
    public string? this[string key]
    {
        get => values.TryGetValue(Full(key), out var value) ? value : null;
        set => throw new NotSupportedException();
    }

    public string Key => prefix.Split(':')[^1];

    public string Path => prefix;

    public string? Value
    {
        get => values.TryGetValue(prefix, out var value) ? value : null;
        set => throw new NotSupportedException();
    }

    public IConfigurationSection GetSection(string key) => new DictionaryConfiguration(values, Full(key));

    public IEnumerable<IConfigurationSection> GetChildren() => [];

    public IChangeToken GetReloadToken() => new CancellationChangeToken(CancellationToken.None);

    private string Full(string key) => prefix.Length == 0 ? key : $"{prefix}:{key}";
}
