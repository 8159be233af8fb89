using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PersonalizationEngine.LoadGen.Running;

/// <summary>
/// Waits until a <see cref="Stopwatch"/> timestamp without burning a core: coarse sleeps for long gaps, then
/// short native sleeps (<c>usleep</c>, about 50-100 µs with Linux's default timer slack) for the rest. Never
/// returns early. The open loop used to spin on <c>Thread.Yield</c> for sub-millisecond gaps, which at 10k
/// requests/s kept a whole core busy on a two-core machine, taken from the server under test.
/// </summary>
internal static partial class Pacer
{
    private static readonly bool NativeSleep = OperatingSystem.IsLinux();

    public static void WaitUntil(long due, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }
            var micros = remaining * 1_000_000 / Stopwatch.Frequency;
            if (micros > 2_000)
            {
                // Thread.Sleep has millisecond granularity and may oversleep by about one: wake a bit early.
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(micros / 1_000 - 1));
            }
            else if (NativeSleep)
            {
                _ = Usleep((uint)Math.Max(1, micros));
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);
}
