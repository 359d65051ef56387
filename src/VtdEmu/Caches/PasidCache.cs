using VtdEmu.Caches.Internal;

namespace VtdEmu.Caches;

/// <summary>
/// PASID cache (VT-d spec §6.2.2.1, scalable mode): PASID-table entries looked up by
/// (source-id, PASID), invalidated by pc_inv_dsc granularities (domain-selective, PASID-selective,
/// global) which match the entry's DID and PASID. PASID-directory entries are not cached
/// (spec-notes/caching.md).
/// </summary>
public sealed class PasidCache : SetAssociativeCache<PasidCacheEntry>
{
    private const int PasidShift = 16;

    /// <summary>Creates the cache.</summary>
    /// <param name="geometry">Geometry (set index = low bits of PASID XOR source-id).</param>
    /// <param name="cachingMode">CAP.CM: whether negative entries may be cached.</param>
    public PasidCache(CacheGeometry geometry, bool cachingMode = false)
        : this(geometry, cachingMode, null, null)
    {
    }

    /// <summary>A cache counting its lookups in <paramref name="lookups"/> (the unit's shared counter block), writing under <paramref name="writerLock"/> (the unit's caches share one).</summary>
    internal PasidCache(CacheGeometry geometry, bool cachingMode, LookupCounters? lookups, Lock? writerLock)
        : base(geometry, lookups, writerLock) => CachingMode = cachingMode;

    /// <summary>CAP.CM.</summary>
    public bool CachingMode { get; }

    /// <summary>Looks up the cached PASID entry of (<paramref name="sourceId"/>, <paramref name="pasid"/>).</summary>
    public bool TryLookup(ushort sourceId, uint pasid, out PasidCacheEntry entry)
    {
        bool hit = TryLookupEntry(sourceId, pasid, out entry);
        _lookups.Count(hit);
        return hit;
    }

    /// <summary>The translate path's lookup: as <see cref="TryLookup"/>, uncounted (the pipeline counts in its own stripe).</summary>
    internal bool TryLookupEntry(ushort sourceId, uint pasid, out PasidCacheEntry entry)
    {
        pasid &= Iotlb.PasidMask;
        return _store.TryFind(SetOf(sourceId, pasid), Key0(sourceId, pasid), 0, out entry);
    }

    /// <summary>Caches <paramref name="entry"/>. Negative entries need <see cref="CachingMode"/>.</summary>
    public bool Fill(in PasidCacheEntry entry) => Fill(entry, null, 0);

    /// <summary>
    /// <see cref="Fill(in PasidCacheEntry)"/> for the translate path: refused when an invalidation began
    /// after <paramref name="observed"/> was read from <paramref name="epoch"/> (null: no check).
    /// </summary>
    internal bool Fill(in PasidCacheEntry entry, InvalidationEpoch? epoch, long observed)
    {
        if (!_store.IsEnabled || (entry.IsNegative && !CachingMode))
        {
            return false;
        }

        lock (_lock)
        {
            if (epoch is not null && !epoch.IsCurrent(observed))
            {
                return false;
            }

            _store.FillLocked(SetOf(entry.SourceId, entry.Pasid), Key0(entry.SourceId, entry.Pasid), 0, entry);
        }

        return true;
    }

    /// <summary>A copy of every valid entry in set/way order. Read-only and allocating: for dumps and tests.</summary>
    public IReadOnlyList<PasidCacheEntry> Snapshot()
    {
        List<(ulong Key0, ulong Key1, PasidCacheEntry Payload)> slots = [];
        lock (_lock)
        {
            _store.CopyValidLocked(slots);
        }

        return [.. slots.Select(s => s.Payload)];
    }

    /// <summary>Global invalidation (G = 11).</summary>
    public int InvalidateAll()
    {
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.ClearLocked();
        }
    }

    /// <summary>Domain-selective invalidation (G = 00): every PASID of <paramref name="did"/>.</summary>
    public int InvalidateDomain(ushort did)
    {
        var match = new Match(did, null);
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    /// <summary>PASID-selective invalidation (G = 01): entries with <paramref name="did"/> and <paramref name="pasid"/>.</summary>
    public int InvalidatePasid(ushort did, uint pasid)
    {
        var match = new Match(did, pasid & Iotlb.PasidMask);
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    private static ulong Key0(ushort sourceId, uint pasid) =>
        SetAssociativeStore<PasidCacheEntry>.ValidBit | sourceId | ((ulong)pasid << PasidShift);

    private int SetOf(ushort sourceId, uint pasid) => _store.SetOf(pasid ^ sourceId);

    // A negative entry holds no valid DID (the PASID entry was not present or invalid), so every
    // domain- or PASID-selective request that could name it removes it: coarser, never narrower.
    private readonly struct Match(ushort did, uint? pasid) : IEntryMatch<PasidCacheEntry>
    {
        public bool Matches(ulong key0, ulong key1, in PasidCacheEntry payload) =>
            (payload.Did == did || payload.IsNegative) && (pasid is not { } p || payload.Pasid == p);
    }
}
