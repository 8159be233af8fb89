using System.Runtime.InteropServices;

namespace PersonalizationEngine.Domain.Features;

/// <summary>
/// An optional <see cref="DateTimeOffset"/> in 10 bytes (clock ticks + offset minutes; no value: an offset no
/// DateTimeOffset can have) instead of the 24 of <c>DateTimeOffset?</c>. Packed (Pack = 2) so that a class
/// holding several of them spends 10 bytes on each.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal readonly struct PackedTime
{
    private const short NoValue = short.MinValue;

    private readonly long _ticks;
    private readonly short _offsetMinutes;

    public static PackedTime None => new(null);

    public PackedTime(DateTimeOffset? value)
    {
        if (value is { } v)
        {
            _ticks = v.Ticks;
            _offsetMinutes = (short)(v.Offset.Ticks / TimeSpan.TicksPerMinute);
        }
        else
        {
            _ticks = 0;
            _offsetMinutes = NoValue;
        }
    }

    public DateTimeOffset? Value => _offsetMinutes == NoValue ? null
        : new DateTimeOffset(_ticks, new TimeSpan(_offsetMinutes * TimeSpan.TicksPerMinute));
}
