using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VtdEmu.Benchmarks.Baseline;

/// <summary>
/// The least the model's contract costs on top of <see cref="BaselineTranslator"/>, written as plainly:
/// a context-cache lookup per request (source-id → DID), both lookups tagged by two key words (the
/// IOTLB's DID word beside the page) and validated by a per-set seqlock so that other threads may
/// fill and invalidate concurrently, an LRU update that skips the store when the way is already the
/// most recent, and counters for every lookup and translation. No generality: legacy mode, one
/// page size, no faults beyond rights and the interrupt range. Its ratio to the baseline is the
/// floor under any implementation of the contract (issue 11's targets are read against it).
/// A miss defers to <see cref="BaselineTranslator"/> and then fills its own IOTLB: on misses it is
/// an upper bound of the floor, not the floor.
/// </summary>
internal sealed class FloorTranslator
{
    private const ulong Valid = 1UL << 63;
    private const ulong AddressMask = 0x000F_FFFF_FFFF_F000;

    private readonly SeqlockTlb _context = new(64);
    private readonly SeqlockTlb _iotlb = new(64);
    private readonly BaselineTranslator _walker;
    private readonly long[] _counts = new long[8];

    // The invalidation epoch every fill checks (the model's epoch/fill rule). The benchmarks invalidate
    // nothing, so it never moves, but reading and checking it is part of the cost.
    private long _epoch;

    public FloorTranslator(BaselineTranslator walker, ushort sourceId, ushort did)
    {
        _walker = walker;
        _epoch = 0;
        _context.Fill(sourceId, Valid | sourceId, 0, did);
    }

    /// <summary>One request: the context cache, then the IOTLB. Returns the output address, or <see cref="BaselineTranslator.Fault"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public ulong Translate(ushort sourceId, ulong iova, ulong access)
    {
        long epoch = Volatile.Read(ref _epoch);
        ref long counts = ref MemoryMarshal.GetArrayDataReference(_counts);
        counts++;
        if (!_context.TryGet(sourceId, Valid | sourceId, 0, out ulong did))
        {
            return BaselineTranslator.Fault;
        }

        Unsafe.Add(ref counts, 1)++;
        return TranslateInDomain(did, iova, access, epoch, ref counts);
    }

    /// <summary>A batch from one source: the context looked up once, the IOTLB per address.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void TranslateBatch(ushort sourceId, ReadOnlySpan<ulong> iovas, ulong access, Span<ulong> outputs)
    {
        long epoch = Volatile.Read(ref _epoch);
        ref long counts = ref MemoryMarshal.GetArrayDataReference(_counts);
        counts += iovas.Length;
        if (!_context.TryGet(sourceId, Valid | sourceId, 0, out ulong did))
        {
            outputs[..iovas.Length].Fill(BaselineTranslator.Fault);
            return;
        }

        Unsafe.Add(ref counts, 1) += iovas.Length;
        for (int i = 0; i < iovas.Length; i++)
        {
            outputs[i] = TranslateInDomain(did, iovas[i], access, epoch, ref counts);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong TranslateInDomain(ulong did, ulong iova, ulong access, long epoch, ref long counts)
    {
        ulong page = iova >> 12;
        if (_iotlb.TryGet(page, Valid | page, did, out ulong data))
        {
            Unsafe.Add(ref counts, 2)++;
            ulong output = (data & AddressMask) | (iova & 0xFFF);
            return (access & ~data) != 0 || (output & ~0xF_FFFFUL) == 0xFEE0_0000 ? BaselineTranslator.Fault : output;
        }

        Unsafe.Add(ref counts, 3)++;
        return Miss(did, iova, access, epoch);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong Miss(ulong did, ulong iova, ulong access, long epoch)
    {
        ulong output = _walker.Translate(iova, access);
        if (output != BaselineTranslator.Fault && Volatile.Read(ref _epoch) == epoch)
        {
            ulong page = iova >> 12;
            _iotlb.Fill(page, Valid | page, did, (output & AddressMask) | access);
        }

        return output;
    }

    /// <summary>A 4-way set-associative true-LRU array of (key0, key1, data) with a seqlock per set.</summary>
    private sealed class SeqlockTlb
    {
        private const int Ways = 4;

        private readonly ulong[] _key0;
        private readonly ulong[] _key1;
        private readonly ulong[] _data;
        private readonly ulong[] _stamps;
        private readonly ulong[] _clocks;
        private readonly int[] _sequence;
        private readonly int _setMask;

        public SeqlockTlb(int entries)
        {
            _key0 = new ulong[entries];
            _key1 = new ulong[entries];
            _data = new ulong[entries];
            _stamps = new ulong[entries];
            _clocks = new ulong[entries / Ways];
            _sequence = new int[entries / Ways];
            _setMask = (entries / Ways) - 1;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryGet(ulong index, ulong key0, ulong key1, out ulong data)
        {
            int set = (int)(index & (ulong)_setMask);
            int start = set * Ways;
            ref int sequence = ref _sequence[set];
            while (true)
            {
                int before = Volatile.Read(ref sequence);
                uint hits = Vector256.Equals(Vector256.LoadUnsafe(ref _key0[start]), Vector256.Create(key0)).ExtractMostSignificantBits();
                int way = -1;
                while (hits != 0)
                {
                    int candidate = BitOperations.TrailingZeroCount(hits);
                    if (_key1[start + candidate] == key1)
                    {
                        way = candidate;
                        break;
                    }

                    hits &= hits - 1;
                }

                if (way < 0)
                {
                    data = 0;
                    return false;
                }

                data = _data[start + way];
                if ((before & 1) == 0 && Volatile.Read(ref sequence) == before)
                {
                    ref ulong stamp = ref _stamps[start + way];
                    if (stamp != _clocks[set])
                    {
                        stamp = ++_clocks[set];
                    }

                    return true;
                }
            }
        }

        public void Fill(ulong index, ulong key0, ulong key1, ulong data)
        {
            int set = (int)(index & (ulong)_setMask);
            int start = set * Ways;
            int victim = start;
            for (int slot = start; slot < start + Ways; slot++)
            {
                if (_key0[slot] == 0)
                {
                    victim = slot;
                    break;
                }

                if (_stamps[slot] < _stamps[victim])
                {
                    victim = slot;
                }
            }

            lock (this)
            {
                Interlocked.Increment(ref _sequence[set]);
                _key0[victim] = key0;
                _key1[victim] = key1;
                _data[victim] = data;
                Interlocked.Increment(ref _sequence[set]);
            }

            _stamps[victim] = ++_clocks[set];
        }
    }
}
