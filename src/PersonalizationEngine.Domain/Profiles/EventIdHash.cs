using System.Text;

namespace PersonalizationEngine.Domain.Profiles;

/// <summary>
/// 64-bit FNV-1a of an event id: the dedup set stores 8 bytes per id instead of the string (memory goal of
/// 4 KB per customer). Collision odds among a few hundred ids per profile are about 1e-15.
/// </summary>
public static class EventIdHash
{
    public static long Of(string eventId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(eventId))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return unchecked((long)hash);
    }
}
