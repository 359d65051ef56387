using VtdEmu.Caches.Internal;
using VtdEmu.Translation;

namespace VtdEmu.Caches;

/// <summary>
/// All translation caches of one remapping unit (VT-d spec §6.2) with invalidation operations
/// shaped like the hardware encodings (§6.5: CCMD_REG / cc_inv_dsc, IOTLB_REG / iotlb_inv_dsc,
/// p_iotlb_inv_dsc, pc_inv_dsc), so the register and queued-invalidation engines call one method per
/// request. Each method returns the number of entries it removed (for statistics and tests).
/// <para>
/// Every invalidation — these methods and each cache's own public <c>Invalidate…</c> methods — runs in
/// one <see cref="InvalidationScope"/> of the shared <see cref="Epoch"/>: invalidations are serialised
/// and a walk that began before one cannot fill stale results after it (spec-notes/caching.md, the
/// epoch/fill rule). A request that clears two caches holds one scope over both.
/// </para>
/// </summary>
public sealed class TranslationCaches
{
    private readonly CounterBlock _counters = new();

    /// <summary>Builds the caches from <paramref name="options"/>.</summary>
    public TranslationCaches(TranslationCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        ContextCache = new ContextCache(options.ContextCache, options.CachingMode, new LookupCounters(_counters, CounterStripe.ContextHits), WriterLock) { Epoch = Epoch };
        PasidCache = new PasidCache(options.PasidCache, options.CachingMode, new LookupCounters(_counters, CounterStripe.PasidHits), WriterLock) { Epoch = Epoch };
        Iotlb = new Iotlb(options.Iotlb, options.IotlbLargePages, options.CachingMode, new LookupCounters(_counters, CounterStripe.IotlbHits), WriterLock) { Epoch = Epoch };
        PagingStructureCache = new PagingStructureCache(options.PagingStructureCache, new LookupCounters(_counters, CounterStripe.PagingHits), WriterLock) { Epoch = Epoch };
        Counters = new TranslationCounters(_counters);
    }

    /// <summary>The translate path's counters, in the block that also holds the caches' lookup counters.</summary>
    internal TranslationCounters Counters { get; }

    /// <summary>Invalidation epoch quoted by translate-path fills.</summary>
    internal InvalidationEpoch Epoch { get; } = new();

    /// <summary>
    /// The one writer lock of all four caches: every fill and removal of any of them holds it, so a walk
    /// fills its paging-structure entries and its leaf under one acquisition after one epoch check
    /// (spec-notes/caching.md, "the epoch/fill rule").
    /// </summary>
    internal Lock WriterLock { get; } = new();

    /// <summary>The options the caches were built with.</summary>
    public TranslationCacheOptions Options { get; }

    /// <summary>Context cache.</summary>
    public ContextCache ContextCache { get; }

    /// <summary>PASID cache.</summary>
    public PasidCache PasidCache { get; }

    /// <summary>IOTLB.</summary>
    public Iotlb Iotlb { get; }

    /// <summary>Second-level paging-structure caches.</summary>
    public PagingStructureCache PagingStructureCache { get; }

    /// <summary>IOTLB global invalidation (IIRG/G = 01): IOTLB and paging-structure caches, every DID and kind.</summary>
    public int InvalidateIotlbGlobal()
    {
        // One scope over both removals: no walk may fill either cache between them.
        using InvalidationScope scope = Epoch.Enter();
        return Iotlb.InvalidateAll() + PagingStructureCache.InvalidateAll();
    }

    /// <summary>IOTLB domain-selective invalidation (IIRG/G = 10): second-level and pass-through IOTLB entries and paging-structure entries of <paramref name="did"/>.</summary>
    public int InvalidateIotlbDomain(ushort did)
    {
        // One scope over both removals: no walk may fill either cache between them.
        using InvalidationScope scope = Epoch.Enter();
        return Iotlb.InvalidateDomain(did) + PagingStructureCache.InvalidateDomain(did);
    }

    /// <summary>
    /// IOTLB page-selective-within-domain invalidation (IIRG/G = 11, IVA ADDR/AM/IH): IOTLB entries
    /// overlapping the range; with <paramref name="invalidationHint"/> = false (IH=0) also the
    /// paging-structure entries whose region overlaps it. IH=1 keeps them.
    /// </summary>
    public int InvalidateIotlbPages(ushort did, ulong address, int am, bool invalidationHint)
    {
        // One scope over both removals: no walk may fill either cache between them.
        using InvalidationScope scope = Epoch.Enter();
        int removed = Iotlb.InvalidatePages(did, address, am);
        return invalidationHint ? removed : removed + PagingStructureCache.InvalidatePages(did, address, am);
    }

    /// <summary>
    /// p_iotlb_inv_dsc G=10: non-global first-level / nested IOTLB entries of (DID, PASID), and the
    /// first-level paging-structure entries of (DID, PASID).
    /// </summary>
    public int InvalidatePasidIotlb(ushort did, uint pasid)
    {
        using InvalidationScope scope = Epoch.Enter();
        return Iotlb.InvalidatePasid(did, pasid) + PagingStructureCache.InvalidatePasid(did, pasid);
    }

    /// <summary>
    /// p_iotlb_inv_dsc G=11: first-level / nested IOTLB entries of (DID, PASID) overlapping the range;
    /// with IH=0 also the (DID, PASID) first-level paging-structure entries whose region overlaps it.
    /// </summary>
    public int InvalidatePasidIotlbPages(ushort did, uint pasid, ulong address, int am, bool invalidationHint)
    {
        using InvalidationScope scope = Epoch.Enter();
        int removed = Iotlb.InvalidatePasidPages(did, pasid, address, am);
        return invalidationHint ? removed : removed + PagingStructureCache.InvalidatePasidPages(did, pasid, address, am);
    }

    /// <summary>Context-cache global invalidation. Does not touch the PASID cache or IOTLB.</summary>
    public int InvalidateContextGlobal() => ContextCache.InvalidateAll();

    /// <summary>Context-cache domain-selective invalidation.</summary>
    public int InvalidateContextDomain(ushort did) => ContextCache.InvalidateDomain(did);

    /// <summary>Context-cache device-selective invalidation (SID, FM, DID).</summary>
    public int InvalidateContextDevice(ushort sourceId, int functionMask, ushort did) => ContextCache.InvalidateDevice(sourceId, functionMask, did);

    /// <summary>PASID-cache global invalidation (pc_inv_dsc G=11).</summary>
    public int InvalidatePasidCacheGlobal() => PasidCache.InvalidateAll();

    /// <summary>PASID-cache domain-selective invalidation (pc_inv_dsc G=00).</summary>
    public int InvalidatePasidCacheDomain(ushort did) => PasidCache.InvalidateDomain(did);

    /// <summary>PASID-cache PASID-selective invalidation (pc_inv_dsc G=01).</summary>
    public int InvalidatePasidCachePasid(ushort did, uint pasid) => PasidCache.InvalidatePasid(did, pasid);

    /// <summary>Zeroes every cache's counters.</summary>
    public void ResetStatistics()
    {
        ContextCache.ResetStatistics();
        PasidCache.ResetStatistics();
        Iotlb.ResetStatistics();
        PagingStructureCache.ResetStatistics();
        Counters.Reset();
    }
}
