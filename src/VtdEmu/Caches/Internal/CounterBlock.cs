using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VtdEmu.Caches.Internal;

/// <summary>
/// Every lookup and translate-path counter of one unit in one striped block: 64 stripes of 128 bytes,
/// one per thread (threads are numbered round robin the first time they count, in any unit) and
/// incremented without atomics, so concurrent threads do not fight over one cache line and one
/// request's counts all land in one line (issue 11: three counter arrays per hit became one).
/// Exactness rules: spec-notes/caching.md, "Statistics".
/// </summary>
internal sealed class CounterBlock
{
    private const int Stripes = 64;

    private readonly CounterStripe[] _stripes = new CounterStripe[Stripes];

    // The calling thread's stripe number plus one (0: not numbered yet). A thread-static read is a
    // fraction of the cost of Environment.CurrentManagedThreadId on the per-request path.
    [ThreadStatic]
    private static int t_stripe;

    private static int s_nextStripe;

    /// <summary>The calling thread's stripe.</summary>
    public ref CounterStripe Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            int stripe = t_stripe;
            if (stripe == 0)
            {
                stripe = NumberThread();
            }

            // SAFETY: the index is masked to 0..Stripes-1 and the array has Stripes elements.
            return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_stripes), (stripe - 1) & (Stripes - 1));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int NumberThread() => t_stripe = (Interlocked.Increment(ref s_nextStripe) & (Stripes - 1)) + 1;

    /// <summary>The total of <paramref name="slot"/> (a <see cref="CounterStripe"/> constant) over every stripe.</summary>
    public long Sum(int slot)
    {
        long total = 0;
        for (int s = 0; s < Stripes; s++)
        {
            total += Volatile.Read(ref _stripes[s][slot]);
        }

        return total;
    }

    /// <summary>Zeroes <paramref name="count"/> slots from <paramref name="first"/> in every stripe.</summary>
    public void Reset(int first, int count)
    {
        for (int s = 0; s < Stripes; s++)
        {
            for (int slot = first; slot < first + count; slot++)
            {
                _stripes[s][slot] = 0;
            }
        }
    }
}

/// <summary>One thread's counters: 16 longs (128 bytes, no two stripes share a line or an adjacent-line prefetch pair).</summary>
[InlineArray(Length)]
internal struct CounterStripe
{
    public const int Length = 16;
    public const int ContextHits = 0;   // ContextMisses = 1
    public const int PasidHits = 2;     // PasidMisses = 3
    public const int IotlbHits = 4;     // IotlbMisses = 5
    public const int PagingHits = 6;    // PagingMisses = 7
    public const int Translations = 8;
    public const int Faults = 9;
    public const int Walks = 10;
    public const int TableReads = 11;

    private long _element0;

    /// <summary>Counts one lookup of the cache whose hit slot is <paramref name="hitSlot"/> (misses are the next slot).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Lookup(int hitSlot, bool hit) => Unsafe.Add(ref _element0, hitSlot + (hit ? 0 : 1))++;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ContextLookup(bool hit) => Lookup(ContextHits, hit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PasidLookup(bool hit) => Lookup(PasidHits, hit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void IotlbLookup(bool hit) => Lookup(IotlbHits, hit);

    /// <summary>A second-level walk started.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Walked() => Unsafe.Add(ref _element0, Walks)++;

    /// <summary>
    /// Counts the <paramref name="requests"/> finished translations of one batch at once: their
    /// <paramref name="faults"/> and table <paramref name="reads"/>, and the context-cache
    /// (<paramref name="contextRepeats"/>) and PASID-cache (<paramref name="pasidRepeats"/>) hits of the
    /// resolutions the batch repeated under a context already resolved and cached.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CountBatch(int requests, int contextRepeats, int pasidRepeats, int faults, long reads)
    {
        Unsafe.Add(ref _element0, ContextHits) += contextRepeats;
        Unsafe.Add(ref _element0, PasidHits) += pasidRepeats;
        Unsafe.Add(ref _element0, Translations) += requests;
        Unsafe.Add(ref _element0, Faults) += faults;
        Unsafe.Add(ref _element0, TableReads) += reads;
    }

    /// <summary>Counts one finished translation (faulted when it carries a fault; aborts are not faults).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Count(bool faulted, int reads)
    {
        Unsafe.Add(ref _element0, Translations)++;
        Unsafe.Add(ref _element0, Faults) += faulted ? 1 : 0;
        Unsafe.Add(ref _element0, TableReads) += reads;
    }
}
