using System.Security.Cryptography;
using System.Text;

namespace PersonalizationEngine.Domain.Identity;

/// <summary>
/// Keyed HMAC-SHA256 of <c>type:value</c>, as lower-case hex: the lookup key stored at rest instead of the
/// identifier itself (issue 3: identifiers are personal data). The key comes from configuration.
/// </summary>
public sealed class IdentifierHasher
{
    private readonly byte[] _key;

    public IdentifierHasher(byte[] key)
    {
        if (key.Length < 16) throw new ArgumentException("The HMAC key must be at least 16 bytes.", nameof(key));
        _key = (byte[])key.Clone();
    }

    public string Hash(string type, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(type + ":" + value)));
}
