using VtdEmu.Caches.Internal;
using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu.Caches;

/// <summary>
/// Second-level paging-structure caches (VT-d spec §6.2.4): non-leaf SL entries tagged by DID,
/// level and the input region they map, so an IOTLB miss can skip the upper levels of the walk.
/// One array holds all levels (the level is part of the tag). Only present, valid non-leaf entries
/// are cached here; a caching-mode unit caches not-present results as negative IOTLB entries
/// instead (spec-notes/caching.md). Removed by IOTLB global / domain-selective invalidation and by
/// page-selective invalidation with IH=0 for entries whose region overlaps the range.
/// </summary>
public sealed class PagingStructureCache : SetAssociativeCache<ulong>
{
    private const ulong RegionMask = (1UL << 52) - 1;

    /// <summary>Creates the cache.</summary>
    public PagingStructureCache(CacheGeometry geometry)
        : this(geometry, null)
    {
    }

    /// <summary>A cache counting its lookups in <paramref name="lookups"/> (the unit's shared counter block).</summary>
    internal PagingStructureCache(CacheGeometry geometry, LookupCounters? lookups)
        : base(geometry, lookups)
    {
    }

    /// <summary>
    /// Finds the deepest cached non-leaf entry for <paramref name="inputAddress"/> in
    /// <paramref name="did"/> at or below <paramref name="maxLevel"/> (the walk's top level), probing
    /// level 2 (PDE) upward. Allocation-free and lock-free.
    /// </summary>
    public bool TryLookup(ushort did, ulong inputAddress, int maxLevel, out PagingStructureEntry entry)
    {
        int top = Math.Min(maxLevel, PagingStructureEntry.MaxLevel);
        for (int level = PagingStructureEntry.MinLevel; level <= top; level++)
        {
            if (!_store.MayHold(level))
            {
                continue;
            }

            ulong region = Region(inputAddress, level);
            if (_store.TryFind(SetOf(region, level), Key0(level, region), did, out ulong data))
            {
                _lookups.Hit();
                entry = new PagingStructureEntry(did, level, region << PagingStructureEntry.RegionShift(level), data, (DmaAccess)(data & (ulong)DmaAccess.ReadWrite));
                return true;
            }
        }

        _lookups.Miss();
        entry = default;
        return false;
    }

    /// <summary>Caches <paramref name="entry"/> (in place if its tag is present). Returns false when disabled.</summary>
    public bool Fill(in PagingStructureEntry entry) => Fill(entry, null, 0);

    /// <summary>
    /// <see cref="Fill(in PagingStructureEntry)"/> for the translate path: refused when an invalidation began
    /// after <paramref name="observed"/> was read from <paramref name="epoch"/> (null: no check).
    /// </summary>
    internal bool Fill(in PagingStructureEntry entry, InvalidationEpoch? epoch, long observed)
    {
        if (!_store.IsEnabled || entry.Level < PagingStructureEntry.MinLevel)
        {
            return false;
        }

        ulong region = Region(entry.RegionBase, entry.Level);
        lock (_lock)
        {
            if (epoch is not null && !epoch.IsCurrent(observed))
            {
                return false;
            }

            _store.FillLocked(SetOf(region, entry.Level), Key0(entry.Level, region), entry.Did, entry.TableAddress | (ulong)entry.Rights);
        }

        return true;
    }

    /// <summary>Removes everything (global IOTLB invalidation). Returns entries removed.</summary>
    public int InvalidateAll()
    {
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.ClearLocked();
        }
    }

    /// <summary>Removes every entry of <paramref name="did"/> (domain-selective IOTLB invalidation).</summary>
    public int InvalidateDomain(ushort did)
    {
        var match = new Match(did, 0, RegionMask + 1);
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    /// <summary>
    /// Removes the entries of <paramref name="did"/> whose region overlaps the 2^<paramref name="am"/>
    /// pages at <paramref name="address"/> (page-selective IOTLB invalidation with IH=0).
    /// </summary>
    public int InvalidatePages(ushort did, ulong address, int am)
    {
        (ulong first, ulong end) = Iotlb.PageRange(address, am);
        var match = new Match(did, first, end);
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    private static ulong Region(ulong address, int level) => (address >> PagingStructureEntry.RegionShift(level)) & RegionMask;

    private static ulong Key0(int level, ulong region) =>
        SetAssociativeStore<ulong>.ValidBit | ((ulong)level << SetAssociativeStore<ulong>.ClassShift) | region;

    // Low region bits plus the level, so the PDE, PDPE, ... covering one address fall in different sets.
    private int SetOf(ulong region, int level) => _store.SetOf(region + (ulong)level);

    private readonly struct Match(ushort did, ulong first, ulong end) : IEntryMatch<ulong>
    {
        public bool Matches(ulong key0, ulong key1, in ulong payload)
        {
            if ((key1 & ushort.MaxValue) != did)
            {
                return false;
            }

            int level = (int)(key0 >> SetAssociativeStore<ulong>.ClassShift) & (SetAssociativeStore<ulong>.Classes - 1);
            int pagesLog = PagingStructureEntry.RegionShift(level) - PageGeometry.PageShift;
            ulong firstPage = (key0 & RegionMask) << pagesLog;
            return firstPage < end && firstPage + (1UL << pagesLog) > first;
        }
    }
}
