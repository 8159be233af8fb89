using System.Text;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>
/// 64-bit FNV-1a of an event id: the dedup set stores 8 bytes per id instead of the string (memory goal of
/// 4 KB per customer). Collision odds among a few hundred ids per profile are about 1e-15.
/// </summary>
public static class EventIdHash
{
    private const ulong Offset = 14695981039346656037UL;

    public static long Of(string eventId) => unchecked((long)Append(Offset, eventId));

    /// <summary>The hash of <paramref name="prefix"/> followed by <paramref name="text"/>, without building the joined string.</summary>
    public static long Of(string prefix, string text) => unchecked((long)Append(Append(Offset, prefix), text));

    // FNV-1a over the UTF-8 bytes, encoded on the stack (this runs for every event and every decision).
    private static ulong Append(ulong hash, ReadOnlySpan<char> text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        var n = Encoding.UTF8.GetBytes(text, buffer);
        foreach (var b in buffer[..n])
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }
}
