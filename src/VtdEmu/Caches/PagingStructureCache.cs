using VtdEmu.Caches.Internal;
using VtdEmu.Memory;
using VtdEmu.Tables;
using VtdEmu.Translation;

namespace VtdEmu.Caches;

/// <summary>
/// Paging-structure caches (VT-d spec §6.2.4): non-leaf entries tagged by DID, level and the input
/// region they map, so an IOTLB miss can skip the upper levels of the walk. Second-level entries
/// (<see cref="TryLookup"/>) and first-level entries (<see cref="TryLookupFirstLevel"/>, also tagged
/// by PASID) share one array; neither answers the other. Only present, valid non-leaf entries are
/// cached here; a caching-mode unit caches not-present results as negative IOTLB entries instead
/// (spec-notes/caching.md). Second-level entries are removed by IOTLB global / domain-selective
/// invalidation and by page-selective invalidation with IH=0 for entries whose region overlaps the
/// range; first-level entries by global IOTLB invalidation and by PASID-based IOTLB invalidation of
/// their (DID, PASID) (page-selective: overlapping, IH=0 only; spec-notes/first-level.md §6).
/// </summary>
public sealed class PagingStructureCache : SetAssociativeCache<ulong>
{
    private const ulong RegionMask = (1UL << 52) - 1;

    // key1: DID in 15:0; first-level entries add their PASID in 35:16 and bit 36.
    private const int PasidShift = 16;
    private const ulong FirstLevelTag = 1UL << 36;

    // First-level payload: the next table's address, R/W in bit 1, U/S in bit 2 (each ANDed from the
    // top level down to the cached entry) and XD in bit 63 (ORed), as the entry bits lie (§9.7).
    private const ulong FirstLevelRights = FirstLevelPagingEntry.ReadWriteBit | FirstLevelPagingEntry.UserBit;
    private const ulong ExecuteDisabledBit = FirstLevelPagingEntry.ExecuteDisableBit;

    /// <summary>Creates the cache.</summary>
    public PagingStructureCache(CacheGeometry geometry)
        : this(geometry, null, null)
    {
    }

    /// <summary>A cache counting its lookups in <paramref name="lookups"/> (the unit's shared counter block), writing under <paramref name="writerLock"/> (the unit's caches share one).</summary>
    internal PagingStructureCache(CacheGeometry geometry, LookupCounters? lookups, Lock? writerLock)
        : base(geometry, lookups, writerLock)
    {
    }

    /// <summary>
    /// Finds the deepest cached non-leaf entry for <paramref name="inputAddress"/> in
    /// <paramref name="did"/> at or below <paramref name="maxLevel"/> (the walk's top level), probing
    /// level 2 (PDE) upward. Allocation-free and lock-free.
    /// </summary>
    public bool TryLookup(ushort did, ulong inputAddress, int maxLevel, out PagingStructureEntry entry)
    {
        if (FindDeepest(did, inputAddress, maxLevel, out int level, out ulong data))
        {
            entry = new PagingStructureEntry(did, level, inputAddress, data, (DmaAccess)(data & (ulong)DmaAccess.ReadWrite));
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// The first-level counterpart of <see cref="TryLookup"/>: the deepest cached first-level non-leaf entry of
    /// (<paramref name="did"/>, <paramref name="pasid"/>) for <paramref name="inputAddress"/> at or below
    /// <paramref name="maxLevel"/>. <paramref name="data"/> is the next table's address with the rights
    /// accumulated down to the entry: R/W (bit 1) and U/S (bit 2) as ANDed, XD (bit 63) as ORed.
    /// </summary>
    internal bool TryLookupFirstLevel(ushort did, uint pasid, ulong inputAddress, int maxLevel, out int level, out ulong data) =>
        FindDeepest(FirstLevelKey1(did, pasid), inputAddress, maxLevel, out level, out data);

    /// <summary>
    /// Caches the first-level non-leaf entry at <paramref name="level"/> for <paramref name="inputAddress"/>
    /// under (<paramref name="did"/>, <paramref name="pasid"/>), with <paramref name="data"/> laid out as
    /// <see cref="TryLookupFirstLevel"/> returns it; refused when an invalidation began after
    /// <paramref name="observed"/>.
    /// </summary>
    internal bool FillFirstLevel(ushort did, uint pasid, int level, ulong inputAddress, ulong data, InvalidationEpoch? epoch, long observed) =>
        level <= PagingStructureEntry.MaxLevel
        && Fill(FirstLevelKey1(did, pasid), level, inputAddress, data & (PageGeometry.EntryAddressMask | FirstLevelRights | ExecuteDisabledBit), epoch, observed);

    /// <summary>
    /// Removes the first-level entries of (<paramref name="did"/>, <paramref name="pasid"/>) (PASID-based IOTLB
    /// invalidation, G=10). Returns entries removed.
    /// </summary>
    public int InvalidatePasid(ushort did, uint pasid) => InvalidateMatching(new Match(FirstLevelKey1(did, pasid), 0, RegionMask + 1));

    /// <summary>
    /// Removes the first-level entries of (<paramref name="did"/>, <paramref name="pasid"/>) whose region overlaps
    /// the 2^<paramref name="am"/> pages at <paramref name="address"/> (PASID-based IOTLB invalidation, G=11, IH=0).
    /// </summary>
    public int InvalidatePasidPages(ushort did, uint pasid, ulong address, int am)
    {
        (ulong first, ulong end) = Iotlb.PageRange(address, am);
        return InvalidateMatching(new Match(FirstLevelKey1(did, pasid), first, end));
    }

    /// <summary>
    /// A copy of every valid entry, second- and first-level, in set/way order. Read-only and allocating: for dumps and
    /// tests, not the translate path.
    /// </summary>
    public IReadOnlyList<CachedPagingStructure> Snapshot()
    {
        List<(ulong Key0, ulong Key1, ulong Payload)> slots = [];
        lock (_lock)
        {
            _store.CopyValidLocked(slots);
        }

        var entries = new List<CachedPagingStructure>(slots.Count);
        foreach ((ulong key0, ulong key1, ulong data) in slots)
        {
            int level = (int)(key0 >> SetAssociativeStore<ulong>.ClassShift) & (SetAssociativeStore<ulong>.Classes - 1);
            ulong regionBase = (key0 & RegionMask) << PagingStructureEntry.RegionShift(level);
            bool firstLevel = (key1 & FirstLevelTag) != 0;
            entries.Add(firstLevel
                ? new CachedPagingStructure(
                    (ushort)(key1 & ushort.MaxValue), (uint)((key1 >> PasidShift) & 0xF_FFFF), level, regionBase, data & PageGeometry.EntryAddressMask,
                    DmaAccess.Read | ((data & FirstLevelPagingEntry.ReadWriteBit) != 0 ? DmaAccess.Write : DmaAccess.None),
                    User: (data & FirstLevelPagingEntry.UserBit) != 0, ExecuteDisabled: (data & ExecuteDisabledBit) != 0)
                : new CachedPagingStructure(
                    (ushort)(key1 & ushort.MaxValue), null, level, regionBase, data & PageGeometry.PageMask, (DmaAccess)(data & (ulong)DmaAccess.ReadWrite),
                    User: false, ExecuteDisabled: false));
        }

        return entries;
    }

    /// <summary>Caches <paramref name="entry"/> (in place if its tag is present). Returns false when disabled.</summary>
    public bool Fill(in PagingStructureEntry entry) => Fill(entry, null, 0);

    /// <summary>
    /// <see cref="Fill(in PagingStructureEntry)"/> for the translate path: refused when an invalidation began
    /// after <paramref name="observed"/> was read from <paramref name="epoch"/> (null: no check).
    /// </summary>
    internal bool Fill(in PagingStructureEntry entry, InvalidationEpoch? epoch, long observed) =>
        Fill(entry.Did, entry.Level, entry.RegionBase, entry.TableAddress | (ulong)entry.Rights, epoch, observed);

    /// <summary>
    /// <see cref="Fill(in PagingStructureEntry)"/> with the writer lock already held and the epoch already
    /// checked by the caller (one walk's fills under one acquisition, see <see cref="TranslationCaches.WriterLock"/>).
    /// </summary>
    internal bool FillHeld(in PagingStructureEntry entry) =>
        FillHeld(entry.Did, entry.Level, entry.RegionBase, entry.TableAddress | (ulong)entry.Rights);

    // The deepest entry tagged key1 for inputAddress at or below maxLevel, probing level 2 (PDE) upward; counted.
    // Allocation-free and lock-free.
    private bool FindDeepest(ulong key1, ulong inputAddress, int maxLevel, out int level, out ulong data)
    {
        int top = Math.Min(maxLevel, PagingStructureEntry.MaxLevel);
        for (level = PagingStructureEntry.MinLevel; level <= top; level++)
        {
            ulong region = Region(inputAddress, level);
            if (_store.MayHold(level) && _store.TryFind(SetOf(region, level), Key0(level, region), key1, out data))
            {
                _lookups.Hit();
                return true;
            }
        }

        _lookups.Miss();
        level = 0;
        data = 0;
        return false;
    }

    // Caches payload under (key1, level, the region of inputAddress) unless disabled or an invalidation began
    // after observed.
    private bool Fill(ulong key1, int level, ulong inputAddress, ulong payload, InvalidationEpoch? epoch, long observed)
    {
        lock (_lock)
        {
            return (epoch is null || epoch.IsCurrent(observed)) && FillHeld(key1, level, inputAddress, payload);
        }
    }

    private bool FillHeld(ulong key1, int level, ulong inputAddress, ulong payload)
    {
        if (!_store.IsEnabled || level < PagingStructureEntry.MinLevel)
        {
            return false;
        }

        ulong region = Region(inputAddress, level);
        _store.FillLocked(SetOf(region, level), Key0(level, region), key1, payload);
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
    public int InvalidateDomain(ushort did) => InvalidateMatching(new Match(did, 0, RegionMask + 1));

    /// <summary>
    /// Removes the entries of <paramref name="did"/> whose region overlaps the 2^<paramref name="am"/>
    /// pages at <paramref name="address"/> (page-selective IOTLB invalidation with IH=0).
    /// </summary>
    public int InvalidatePages(ushort did, ulong address, int am)
    {
        (ulong first, ulong end) = Iotlb.PageRange(address, am);
        return InvalidateMatching(new Match(did, first, end));
    }

    private int InvalidateMatching(Match match)
    {
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    private static ulong FirstLevelKey1(ushort did, uint pasid) => did | ((ulong)(pasid & 0xF_FFFF) << PasidShift) | FirstLevelTag;

    private static ulong Region(ulong address, int level) => (address >> PagingStructureEntry.RegionShift(level)) & RegionMask;

    private static ulong Key0(int level, ulong region) =>
        SetAssociativeStore<ulong>.ValidBit | ((ulong)level << SetAssociativeStore<ulong>.ClassShift) | region;

    // Low region bits plus the level, so the PDE, PDPE, ... covering one address fall in different sets.
    private int SetOf(ulong region, int level) => _store.SetOf(region + (ulong)level);

    // Entries whose whole key1 (DID, and for first-level entries PASID and the first-level tag) equals
    // key1 and whose region overlaps [first, end) in pages.
    private readonly struct Match(ulong key1, ulong first, ulong end) : IEntryMatch<ulong>
    {
        public bool Matches(ulong key0, ulong key1Found, in ulong payload)
        {
            if (key1Found != key1)
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
