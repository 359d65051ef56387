using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VtdEmu.Caches.Internal;

namespace VtdEmu.Translation;

/// <summary>
/// The translate path's own counters (translations, faults, walks, table reads), striped like the
/// caches' lookup counters: 64 stripes of 128 bytes chosen by managed thread id, plain increments.
/// Exact from one thread or threads on different stripes; concurrent threads sharing a stripe may
/// lose increments (undercount only). spec-notes/caching.md, "Statistics".
/// </summary>
internal sealed class TranslationCounters
{
    private const int Stripes = 64;
    private const int Stride = 16;
    private const int TranslationsSlot = 0;
    private const int FaultsSlot = 1;
    private const int WalksSlot = 2;
    private const int ReadsSlot = 3;

    private readonly long[] _counts = new long[Stripes * Stride];

    /// <summary>Counts one finished translation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(bool faulted, bool walked, int reads) => Count(LookupCounters.CurrentStripe, faulted, walked, reads);

    /// <summary>Counts one finished translation in the caller's <paramref name="stripe"/> (<see cref="LookupCounters.CurrentStripe"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(int stripe, bool faulted, bool walked, int reads)
    {
        // SAFETY: the stripe index is masked to 0..Stripes-1 and the slots are < Stride, so every
        // element touched lies inside _counts (Stripes * Stride long).
        ref long counts = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_counts), (stripe & (Stripes - 1)) * Stride);
        Unsafe.Add(ref counts, TranslationsSlot)++;
        if (faulted)
        {
            Unsafe.Add(ref counts, FaultsSlot)++;
        }

        if (walked)
        {
            Unsafe.Add(ref counts, WalksSlot)++;
        }

        Unsafe.Add(ref counts, ReadsSlot) += reads;
    }

    public long Translations => Sum(TranslationsSlot);

    public long Faults => Sum(FaultsSlot);

    public long Walks => Sum(WalksSlot);

    public long TableReads => Sum(ReadsSlot);

    public void Reset() => Array.Clear(_counts);

    private long Sum(int slot)
    {
        long total = 0;
        for (int s = 0; s < Stripes; s++)
        {
            total += Volatile.Read(ref _counts[(s * Stride) + slot]);
        }

        return total;
    }
}
