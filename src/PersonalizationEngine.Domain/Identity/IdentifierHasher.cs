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
    // One keyed HMAC per thread, reset after each use: the key schedule is computed once per thread instead of per hash
    // (every event and every lookup hashes its identifiers).
    private readonly ThreadLocal<IncrementalHash> _hmac;

    public IdentifierHasher(byte[] key)
    {
        if (key.Length < 16) throw new ArgumentException("The HMAC key must be at least 16 bytes.", nameof(key));
        _key = (byte[])key.Clone();
        _hmac = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key));
    }

    public string Hash(string type, string value)
    {
        // type ":" value as UTF-8, on the stack when it fits (identifiers are short): no string or array per hash.
        var length = Encoding.UTF8.GetMaxByteCount(type.Length + 1 + value.Length);
        var input = length <= 512 ? stackalloc byte[length] : new byte[length];
        var n = Encoding.UTF8.GetBytes(type, input);
        input[n++] = (byte)':';
        n += Encoding.UTF8.GetBytes(value, input[n..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var hmac = _hmac.Value!;
        hmac.AppendData(input[..n]);
        hmac.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac);
    }
}
