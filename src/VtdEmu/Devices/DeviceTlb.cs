using VtdEmu.Caches;
using VtdEmu.Caches.Internal;
using VtdEmu.Memory;

namespace VtdEmu.Devices;

/// <summary>
/// An endpoint's own translation cache for ATS (VT-d spec ch. 4): translation completions cached by
/// (PASID, input page), with configurable geometry. Only device-TLB invalidations (dev_tlb_inv_dsc,
/// p_dev_tlb_inv_dsc) reach it; until one names an entry, the device keeps using it — however the
/// tables or the unit's own caches change. spec-notes/device-tlb.md.
/// </summary>
public sealed class DeviceTlb : SetAssociativeCache<DeviceTlbEntry>
{
    /// <summary>The default geometry: 32 entries, fully associative, LRU.</summary>
    public static readonly CacheGeometry DefaultGeometry = CacheGeometry.FullyAssociative(32);

    private static readonly int[] s_pageShifts = [12, 21, 30];

    /// <summary>Creates an empty device-TLB.</summary>
    public DeviceTlb(CacheGeometry geometry)
        : base(geometry, null, null)
    {
    }

    /// <summary>Finds the entry covering <paramref name="address"/> for requests with <paramref name="pasid"/> (null: without PASID).</summary>
    public bool TryLookup(ulong address, uint? pasid, out DeviceTlbEntry entry)
    {
        for (int size = 0; size < s_pageShifts.Length; size++)
        {
            int shift = s_pageShifts[size];
            if (_store.MayHold(size) && _store.TryFind(_store.SetOf(address >> shift), Key0(address, size), Key1(pasid), out entry))
            {
                _lookups.Hit();
                return true;
            }
        }

        _lookups.Miss();
        entry = default;
        return false;
    }

    /// <summary>Caches a completion (ignored for page sizes other than 4 KiB, 2 MiB and 1 GiB).</summary>
    public void Fill(in DeviceTlbEntry entry)
    {
        int size = Array.IndexOf(s_pageShifts, entry.PageShift);
        if (size < 0 || !_store.IsEnabled)
        {
            return;
        }

        lock (_lock)
        {
            _store.FillLocked(_store.SetOf(entry.InputPage >> entry.PageShift), Key0(entry.InputPage, size), Key1(entry.HasPasid ? entry.Pasid : null), entry);
        }
    }

    /// <summary>
    /// An ATS invalidate request for [<paramref name="first"/>, <paramref name="last"/>]: entries of
    /// requests without PASID (<paramref name="pasid"/> null), of one PASID, or of every PASID
    /// (<paramref name="allPasids"/>) that overlap the range are removed. Returns the count.
    /// </summary>
    public int Invalidate(ulong first, ulong last, uint? pasid, bool allPasids = false)
    {
        var match = new RangeMatch(first, last, pasid, allPasids);
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    /// <summary>Removes every entry.</summary>
    public int InvalidateAll()
    {
        lock (_lock)
        {
            return _store.ClearLocked();
        }
    }

    /// <summary>The cached entries ordered by PASID and page (for dumps).</summary>
    public IReadOnlyList<DeviceTlbEntry> Snapshot()
    {
        var raw = new List<(ulong Key0, ulong Key1, DeviceTlbEntry Payload)>();
        lock (_lock)
        {
            _store.CopyValidLocked(raw);
        }

        return [.. raw.Select(e => e.Payload).OrderBy(e => e.HasPasid).ThenBy(e => e.Pasid).ThenBy(e => e.InputPage)];
    }

    /// <summary>
    /// Decodes the ADDR/S pair of a device-TLB invalidation (PCIe ATS invalidate request, VT-d spec
    /// §6.5.2.5): S = 0 names one 4 KiB page; S = 1 encodes the size by the run of ones from ADDR bit
    /// 12 up — n ones mean 2^(n+1) pages, aligned; ADDR bits 63:12 all ones mean everything.
    /// </summary>
    public static (ulong First, ulong Last) DecodeRange(ulong address, bool size)
    {
        ulong page = address >> PageGeometry.PageShift;
        if (!size)
        {
            return (page << PageGeometry.PageShift, (page << PageGeometry.PageShift) | PageGeometry.PageOffsetMask);
        }

        int ones = System.Numerics.BitOperations.TrailingZeroCount(~page);
        if (ones >= 51)
        {
            return (0, ulong.MaxValue);
        }

        int shift = PageGeometry.PageShift + ones + 1;
        ulong first = address & ~((1UL << shift) - 1);
        return (first, first + ((1UL << shift) - 1));
    }

    private static ulong Key0(ulong address, int size) =>
        SetAssociativeStore<DeviceTlbEntry>.ValidBit | ((ulong)size << SetAssociativeStore<DeviceTlbEntry>.ClassShift) | (address >> s_pageShifts[size]);

    private static ulong Key1(uint? pasid) => pasid is { } p ? (1UL << 32) | p : 0;

    private readonly struct RangeMatch(ulong first, ulong last, uint? pasid, bool allPasids) : IEntryMatch<DeviceTlbEntry>
    {
        public bool Matches(ulong key0, ulong key1, in DeviceTlbEntry payload) =>
            payload.Overlaps(first, last)
            && (allPasids ? payload.HasPasid : pasid is { } p ? payload.HasPasid && payload.Pasid == p : !payload.HasPasid);
    }
}
