using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VtdEmu.Caches.Internal;

/// <summary>
/// One preallocated set-associative array of (key0, key1, payload) slots, shared by every cache
/// (IOTLB, context, PASID and paging-structure caches). Nothing is allocated after construction.
/// <para>
/// Key convention: <c>key0</c> bit 63 is the valid bit and bits 62:60 a small "class" (page size or
/// paging level) whose live entries are counted so lookups can skip probing absent classes; the
/// other key bits are the owning cache's tag. A hit needs both key words equal.
/// </para>
/// <para>
/// Concurrency (spec-notes/caching.md): lookups are lock-free under a per-set seqlock; every
/// <c>*Locked</c> method must be called with the owning cache's writer lock held.
/// </para>
/// </summary>
internal sealed partial class SetAssociativeStore<TPayload>
    where TPayload : struct
{
    public const ulong ValidBit = 1UL << 63;
    public const int ClassShift = 60;
    public const int Classes = 8;

    private readonly ulong[] _key0;
    private readonly ulong[] _key1;
    private readonly TPayload[] _payload;
    private readonly int[] _sequence;
    private readonly int[] _liveByClass = new int[Classes];
    private readonly int _ways;
    private readonly int _setMask;
    private int _live;
    private long _fills;
    private long _evictions;
    private long _invalidated;

    public SetAssociativeStore(CacheGeometry geometry)
    {
        geometry.Validate();
        Geometry = geometry;
        int entries = geometry.Entries;
        _ways = entries == 0 ? 1 : geometry.Ways;
        _setMask = entries == 0 ? 0 : geometry.Sets - 1;
        _key0 = new ulong[entries];
        _key1 = new ulong[entries];
        _payload = new TPayload[entries];
        _sequence = new int[geometry.Sets];
        _replacement = new Replacement(geometry);
    }

    public CacheGeometry Geometry { get; }

    public bool IsEnabled => _key0.Length != 0;

    /// <summary>Valid entries currently held.</summary>
    public int Count => Volatile.Read(ref _live);

    public long Fills => _fills;

    public long Evictions => _evictions;

    public long Invalidated => _invalidated;

    /// <summary>The set a tag number maps to (its low bits, like a hardware index).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SetOf(ulong indexBits) => (int)(indexBits & (ulong)_setMask);

    /// <summary>Whether any valid entry of <paramref name="cls"/> may be present (a racy hint: a wrong "no" only causes a miss).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayHold(int cls) => Volatile.Read(ref _liveByClass[cls]) != 0;

    /// <summary>
    /// Lock-free lookup of (<paramref name="key0"/>, <paramref name="key1"/>) in <paramref name="set"/>.
    /// Returns a payload exactly as one fill wrote it (seqlock-validated), or false. The reader lookup
    /// with <see cref="WholePayload"/>: the JIT specialises it per struct reader, so this is the same code
    /// as a hand-written copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFind(int set, ulong key0, ulong key1, out TPayload payload) =>
        TryFind<WholePayload, TPayload>(set, key0, key1, out payload);

    /// <summary>
    /// Lock-free lookup of (<paramref name="key0"/>, <paramref name="key1"/>) in <paramref name="set"/>,
    /// returning what <typeparamref name="TReader"/> reads from the payload exactly as one fill wrote it
    /// (read inside the seqlock window and validated by its check), or false.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryFind<TReader, TResult>(int set, ulong key0, ulong key1, out TResult result)
        where TReader : struct, IPayloadReader<TPayload, TResult>
    {
        if (_key0.Length == 0)
        {
            result = default!;
            return false;
        }

        Debug.Assert((key0 & ValidBit) != 0, "lookup keys carry the valid bit");
        if ((uint)set > (uint)_setMask)
        {
            ThrowSetOutOfRange(set);
        }

        // Every field the lookup needs is read once, before the seqlock's volatile reads (after which
        // the JIT may not reuse earlier loads): the hit path then works from registers.
        int ways = _ways;
        int start = set * ways;
        // SAFETY: set <= _setMask was checked above, so the set's sequence and every slot of the set
        // (start .. start + ways - 1) lie inside the arrays.
        ref int sequence = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_sequence), set);
        ref ulong keys0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_key0), start);
        ref ulong keys1 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_key1), start);
        ref TPayload payloads = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_payload), start);
        while (true)
        {
            int before = Volatile.Read(ref sequence);
            if ((before & 1) != 0)
            {
                Thread.SpinWait(1);
                continue;
            }

            int way = Probe(ref keys0, ref keys1, ways, key0, key1);
            if (way < 0)
            {
                // A miss is always a legal answer, even if it raced a writer.
                result = default!;
                return false;
            }

            // SAFETY: way < ways (Probe only returns ways of this set).
            result = default(TReader).Read(in Unsafe.Add(ref payloads, way));
            Volatile.ReadBarrier();
            if (Volatile.Read(ref sequence) == before)
            {
                _replacement.Touch(set, way, ways);
                return true;
            }
        }
    }

    /// <summary>The reader of the plain lookup: the whole payload.</summary>
    private readonly struct WholePayload : IPayloadReader<TPayload, TPayload>
    {
        public TPayload Read(in TPayload payload) => payload;
    }

    /// <summary>Writes an entry: in place if the tag is present, else into an invalid way, else over the policy's victim. Returns true if a valid entry of another tag was evicted.</summary>
    public bool FillLocked(int set, ulong key0, ulong key1, in TPayload payload)
    {
        Debug.Assert((key0 & ValidBit) != 0, "fill keys carry the valid bit");
        if (_key0.Length == 0)
        {
            return false;
        }

        int start = set * _ways;
        int way = Probe(start, key0, key1);
        int evicted = 0;
        if (way < 0)
        {
            way = FirstInvalid(start);
            if (way < 0 && Geometry.Policy == ReplacementPolicy.FlushWhenFull)
            {
                // Everything goes, counted as evictions rather than invalidations; way 0 is then free.
                evicted = ClearLocked();
                _invalidated -= evicted;
                way = 0;
            }
            else if (way < 0)
            {
                way = _replacement.Victim(set, _ways);
                evicted = 1;
            }
        }

        int slot = start + way;
        ulong old = _key0[slot];
        BeginWrite(set);
        _key0[slot] = key0;
        _key1[slot] = key1;
        _payload[slot] = payload;
        EndWrite(set);
        if ((old & ValidBit) != 0)
        {
            _liveByClass[ClassOf(old)]--;
            _live--;
        }

        _liveByClass[ClassOf(key0)]++;
        _live++;
        _fills++;
        _evictions += evicted;
        _replacement.Touch(set, way, _ways);
        return evicted != 0;
    }

    /// <summary>Removes every valid entry <paramref name="match"/> selects; returns how many.</summary>
    public int InvalidateLocked<TMatch>(ref TMatch match)
        where TMatch : struct, IEntryMatch<TPayload>
    {
        int removed = 0;
        for (int set = 0; set < _sequence.Length; set++)
        {
            removed += InvalidateSetLocked(set, ref match);
        }

        return removed;
    }

    /// <summary>Removes the entries of one set that <paramref name="match"/> selects; returns how many.</summary>
    public int InvalidateSetLocked<TMatch>(int set, ref TMatch match)
        where TMatch : struct, IEntryMatch<TPayload>
    {
        int start = set * _ways;
        bool writing = false;
        int removed = 0;
        for (int slot = start; slot < start + _ways; slot++)
        {
            ulong k0 = _key0[slot];
            if ((k0 & ValidBit) == 0 || !match.Matches(k0, _key1[slot], in _payload[slot]))
            {
                continue;
            }

            if (!writing)
            {
                BeginWrite(set);
                writing = true;
            }

            _key0[slot] = 0;
            _liveByClass[ClassOf(k0)]--;
            removed++;
        }

        if (writing)
        {
            EndWrite(set);
            _live -= removed;
            _invalidated += removed;
        }

        return removed;
    }

    /// <summary>Removes everything (global invalidation): all sets made odd, tags cleared, all sets even again.</summary>
    public int ClearLocked()
    {
        int removed = _live;
        if (removed == 0)
        {
            return 0;
        }

        // Same seqlock protocol as BeginWrite/EndWrite, with one full fence per phase instead of one
        // per set: writers are serialised, so plain increments of the sequences are not lost.
        for (int set = 0; set < _sequence.Length; set++)
        {
            _sequence[set]++;
        }

        Interlocked.MemoryBarrier();
        Array.Clear(_key0);
        Interlocked.MemoryBarrier();
        for (int set = 0; set < _sequence.Length; set++)
        {
            _sequence[set]++;
        }

        Interlocked.MemoryBarrier();

        Array.Clear(_liveByClass);
        _live = 0;
        _invalidated += removed;
        return removed;
    }

    /// <summary>Appends every valid slot to <paramref name="into"/> in slot order (set, then way). Read-only: for dumps, not the translate path.</summary>
    public void CopyValidLocked(List<(ulong Key0, ulong Key1, TPayload Payload)> into)
    {
        for (int slot = 0; slot < _key0.Length; slot++)
        {
            if ((_key0[slot] & ValidBit) != 0)
            {
                into.Add((_key0[slot], _key1[slot], _payload[slot]));
            }
        }
    }

    /// <summary>Zeroes the fill/eviction/invalidation counters (the entries stay).</summary>
    public void ResetStatisticsLocked()
    {
        _fills = 0;
        _evictions = 0;
        _invalidated = 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowSetOutOfRange(int set) => throw new ArgumentOutOfRangeException(nameof(set), set, "not a set of this store");

    private static int ClassOf(ulong key0) => (int)(key0 >> ClassShift) & (Classes - 1);

    // Seqlock writer side. Writers are serialised by the owning cache's lock, so a plain increment is
    // never lost; the store barriers keep the tag/payload stores after the odd value and before the
    // even one (readers pair them with their acquire read and read barrier). No locked instruction.
    private void BeginWrite(int set)
    {
        ref int sequence = ref _sequence[set];
        Volatile.Write(ref sequence, sequence + 1);
        Volatile.WriteBarrier();
    }

    private void EndWrite(int set)
    {
        ref int sequence = ref _sequence[set];
        Volatile.Write(ref sequence, sequence + 1);
    }

    private int FirstInvalid(int start)
    {
        for (int way = 0; way < _ways; way++)
        {
            if ((_key0[start + way] & ValidBit) == 0)
            {
                return way;
            }
        }

        return -1;
    }

    /// <summary>The way in the set starting at <paramref name="start"/> holding both keys, or -1.</summary>
    private int Probe(int start, ulong key0, ulong key1) =>
        // SAFETY: callers pass start = set * _ways with set <= _setMask, so the _ways elements from
        // start lie inside _key0 and _key1 (both Entries long).
        Probe(
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_key0), start),
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_key1), start),
            _ways,
            key0,
            key1);

    /// <summary>The way among the <paramref name="ways"/> keys from <paramref name="k0"/> / <paramref name="k1"/> holding both keys, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Probe(ref ulong k0, ref ulong k1, int ways, ulong key0, ulong key1)
    {
        if (Vector256.IsHardwareAccelerated && ways == Vector256<ulong>.Count)
        {
            // The common 4-way set: one compare, no loop.
            // SAFETY: the set has exactly Count ways.
            return FirstWithKey1(Vector256.Equals(Vector256.LoadUnsafe(ref k0), Vector256.Create(key0)).ExtractMostSignificantBits(), 0, ref k1, key1);
        }

        int way = 0;
        if (Vector256.IsHardwareAccelerated && ways >= Vector256<ulong>.Count)
        {
            Vector256<ulong> wanted = Vector256.Create(key0);
            for (; way <= ways - Vector256<ulong>.Count; way += Vector256<ulong>.Count)
            {
                // SAFETY: way + Count <= ways, so the 4-element load stays inside the set.
                int found = FirstWithKey1(Vector256.Equals(Vector256.LoadUnsafe(ref k0, (nuint)way), wanted).ExtractMostSignificantBits(), way, ref k1, key1);
                if (found >= 0)
                {
                    return found;
                }
            }
        }

        for (; way < ways; way++)
        {
            // SAFETY: way < ways.
            if (Unsafe.Add(ref k0, way) == key0 && Unsafe.Add(ref k1, way) == key1)
            {
                return way;
            }
        }

        return -1;
    }

    /// <summary>The first way of <paramref name="hits"/> (key0 matches, bit i = way <paramref name="first"/> + i) whose key1 is <paramref name="key1"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FirstWithKey1(uint hits, int first, ref ulong k1, ulong key1)
    {
        while (hits != 0)
        {
            int candidate = first + BitOperations.TrailingZeroCount(hits);
            // SAFETY: candidate < first + Count <= ways.
            if (Unsafe.Add(ref k1, candidate) == key1)
            {
                return candidate;
            }

            hits &= hits - 1;
        }

        return -1;
    }
}
