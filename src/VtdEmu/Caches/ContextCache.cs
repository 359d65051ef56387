using VtdEmu.Caches.Internal;

namespace VtdEmu.Caches;

/// <summary>
/// Context cache (VT-d spec §6.2.2): context entries looked up by source-id, invalidated by the
/// CCMD_REG / cc_inv_dsc granularities (global, domain-selective, device-selective with function
/// mask). Lock-free lookups, serialised writers (spec-notes/caching.md).
/// </summary>
public sealed class ContextCache : SetAssociativeCache<ContextCacheEntry>
{

    /// <summary>Creates the cache.</summary>
    /// <param name="geometry">Geometry (set index = low bits of the source-id, i.e. the function/device number).</param>
    /// <param name="cachingMode">CAP.CM: whether negative entries may be cached.</param>
    public ContextCache(CacheGeometry geometry, bool cachingMode = false)
        : this(geometry, cachingMode, null, null)
    {
    }

    /// <summary>A cache counting its lookups in <paramref name="lookups"/> (the unit's shared counter block), writing under <paramref name="writerLock"/> (the unit's caches share one).</summary>
    internal ContextCache(CacheGeometry geometry, bool cachingMode, LookupCounters? lookups, Lock? writerLock)
        : base(geometry, lookups, writerLock) => CachingMode = cachingMode;

    /// <summary>CAP.CM.</summary>
    public bool CachingMode { get; }

    /// <summary>Looks up the cached context entry of <paramref name="sourceId"/>.</summary>
    public bool TryLookup(ushort sourceId, out ContextCacheEntry entry)
    {
        bool hit = TryLookupEntry(sourceId, out entry);
        _lookups.Count(hit);
        return hit;
    }

    /// <summary>The translate path's lookup of a whole entry (scalable mode): as <see cref="TryLookup"/>, uncounted (the pipeline counts).</summary>
    internal bool TryLookupEntry(ushort sourceId, out ContextCacheEntry entry) =>
        _store.TryFind(_store.SetOf(sourceId), Key0(sourceId), 0, out entry);

    /// <summary>
    /// The translate path's legacy-mode lookup: copies only the derived fields a legacy-mode context
    /// needs, not the raw words; uncounted (the pipeline counts in its own stripe).
    /// </summary>
    internal bool Find(ushort sourceId, out ContextSummary summary) =>
        _store.TryFind<SummaryReader, ContextSummary>(_store.SetOf(sourceId), Key0(sourceId), 0, out summary);

    /// <summary>Caches <paramref name="entry"/> (replacing the source-id's previous entry). Negative entries need <see cref="CachingMode"/>.</summary>
    public bool Fill(in ContextCacheEntry entry) => Fill(entry, null, 0);

    /// <summary>
    /// <see cref="Fill(in ContextCacheEntry)"/> for the translate path: refused when an invalidation began
    /// after <paramref name="observed"/> was read from <paramref name="epoch"/> (null: no check).
    /// </summary>
    internal bool Fill(in ContextCacheEntry entry, InvalidationEpoch? epoch, long observed)
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

            _store.FillLocked(_store.SetOf(entry.SourceId), Key0(entry.SourceId), 0, entry);
        }

        return true;
    }

    /// <summary>A copy of every valid entry in set/way order. Read-only and allocating: for dumps and tests.</summary>
    public IReadOnlyList<ContextCacheEntry> Snapshot()
    {
        List<(ulong Key0, ulong Key1, ContextCacheEntry Payload)> slots = [];
        lock (_lock)
        {
            _store.CopyValidLocked(slots);
        }

        var entries = new List<ContextCacheEntry>(slots.Count);
        foreach ((_, _, ContextCacheEntry entry) in slots)
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>Global invalidation (CIRG/G = 01).</summary>
    public int InvalidateAll()
    {
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.ClearLocked();
        }
    }

    /// <summary>
    /// Domain-selective invalidation (CIRG/G = 10): legacy entries whose DID is <paramref name="did"/>,
    /// and every scalable-mode entry (they carry no DID, so the request is performed coarser for them).
    /// </summary>
    public int InvalidateDomain(ushort did)
    {
        var match = new DomainMatch(did);
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    /// <summary>
    /// Device-selective invalidation (CIRG/G = 11): entries whose source-id equals
    /// <paramref name="sourceId"/> with the function bits named by <paramref name="functionMask"/>
    /// ignored (FM 00: none, 01: bit 2, 10: bits 2:1, 11: bits 2:0). <paramref name="did"/> is accepted
    /// as the hardware interface carries it but not used to narrow the match (spec-notes/caching.md).
    /// </summary>
    public int InvalidateDevice(ushort sourceId, int functionMask, ushort did)
    {
        _ = did;
        int fm = functionMask & 3;
        ushort keep = (ushort)(0xFFFF ^ (((1 << fm) - 1) << (3 - fm)));
        var match = new DeviceMatch((ushort)(sourceId & keep), keep);
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    private static ulong Key0(ushort sourceId) => SetAssociativeStore<ContextCacheEntry>.ValidBit | sourceId;

    private readonly struct SummaryReader : IPayloadReader<ContextCacheEntry, ContextSummary>
    {
        public ContextSummary Read(in ContextCacheEntry payload) => new(
            payload.TablePointer, payload.Did, payload.Fault, payload.IsScalable, payload.TranslationType, payload.AddressWidth, payload.Fpd);
    }

    private readonly struct DomainMatch(ushort did) : IEntryMatch<ContextCacheEntry>
    {
        public bool Matches(ulong key0, ulong key1, in ContextCacheEntry payload) => payload.IsScalable || payload.Did == did;
    }

    private readonly struct DeviceMatch(ushort sourceId, ushort mask) : IEntryMatch<ContextCacheEntry>
    {
        public bool Matches(ulong key0, ulong key1, in ContextCacheEntry payload) => (payload.SourceId & mask) == sourceId;
    }
}
