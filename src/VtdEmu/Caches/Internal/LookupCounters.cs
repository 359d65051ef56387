using System.Runtime.CompilerServices;

namespace VtdEmu.Caches.Internal;

/// <summary>
/// Hit and miss counters for the lock-free lookup path: 64 stripes, each on its own 128-byte span,
/// selected by managed thread id, incremented without atomics so concurrent readers do not fight
/// over one cache line. Exactness rules: spec-notes/caching.md (threading contract).
/// </summary>
internal sealed class LookupCounters
{
    private const int Stripes = 64;
    private const int Stride = 16; // 16 longs = 128 bytes: no two stripes share a cache line (or an adjacent-line prefetch pair)

    private readonly long[] _counts = new long[Stripes * Stride];

    /// <summary>
    /// The calling thread's stripe. A caller making several counted steps (the translate path) reads it
    /// once and passes it on: the thread-id read costs about as much as the increment.
    /// </summary>
    public static int CurrentStripe => Environment.CurrentManagedThreadId & (Stripes - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hit() => Hit(CurrentStripe);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Miss() => Miss(CurrentStripe);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hit(int stripe) => _counts[(stripe & (Stripes - 1)) * Stride]++;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Miss(int stripe) => _counts[((stripe & (Stripes - 1)) * Stride) + 1]++;

    public long Hits => Sum(0);

    public long Misses => Sum(1);

    public void Reset() => Array.Clear(_counts);

    private long Sum(int offset)
    {
        long total = 0;
        for (int s = 0; s < Stripes; s++)
        {
            total += Volatile.Read(ref _counts[(s * Stride) + offset]);
        }

        return total;
    }
}
