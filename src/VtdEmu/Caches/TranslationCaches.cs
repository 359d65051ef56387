namespace VtdEmu.Caches;

/// <summary>
/// All translation caches of one remapping unit (VT-d spec §6.2) with invalidation operations
/// shaped like the hardware encodings (§6.5: CCMD_REG / cc_inv_dsc, IOTLB_REG / iotlb_inv_dsc,
/// p_iotlb_inv_dsc, pc_inv_dsc), so the register and queued-invalidation engines call one method per
/// request. Each method returns the number of entries it removed (for statistics and tests).
/// <para>
/// Invalidate through these methods, not the individual caches': they are serialised and bump the
/// <see cref="Epoch"/> that stops a walk which began before them from filling stale results after
/// them (spec-notes/caching.md, the epoch/fill rule).
/// </para>
/// </summary>
public sealed class TranslationCaches
{
    private readonly Lock _invalidationLock = new();

    /// <summary>Builds the caches from <paramref name="options"/>.</summary>
    public TranslationCaches(TranslationCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        ContextCache = new ContextCache(options.ContextCache, options.CachingMode);
        PasidCache = new PasidCache(options.PasidCache, options.CachingMode);
        Iotlb = new Iotlb(options.Iotlb, options.IotlbLargePages, options.CachingMode);
        PagingStructureCache = new PagingStructureCache(options.PagingStructureCache);
    }

    /// <summary>Invalidation epoch quoted by translate-path fills.</summary>
    internal InvalidationEpoch Epoch { get; } = new();

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
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return Iotlb.InvalidateAll() + PagingStructureCache.InvalidateAll();
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>IOTLB domain-selective invalidation (IIRG/G = 10): second-level and pass-through IOTLB entries and paging-structure entries of <paramref name="did"/>.</summary>
    public int InvalidateIotlbDomain(ushort did)
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return Iotlb.InvalidateDomain(did) + PagingStructureCache.InvalidateDomain(did);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>
    /// IOTLB page-selective-within-domain invalidation (IIRG/G = 11, IVA ADDR/AM/IH): IOTLB entries
    /// overlapping the range; with <paramref name="invalidationHint"/> = false (IH=0) also the
    /// paging-structure entries whose region overlaps it. IH=1 keeps them.
    /// </summary>
    public int InvalidateIotlbPages(ushort did, ulong address, int am, bool invalidationHint)
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                int removed = Iotlb.InvalidatePages(did, address, am);
                return invalidationHint ? removed : removed + PagingStructureCache.InvalidatePages(did, address, am);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>p_iotlb_inv_dsc G=10: non-global first-level / nested IOTLB entries of (DID, PASID).</summary>
    public int InvalidatePasidIotlb(ushort did, uint pasid)
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return Iotlb.InvalidatePasid(did, pasid);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>
    /// p_iotlb_inv_dsc G=11: first-level / nested IOTLB entries of (DID, PASID) overlapping the range.
    /// IH is accepted for completeness; first-level paging-structure caches are not modelled, so it
    /// changes nothing (spec-notes/caching.md).
    /// </summary>
    public int InvalidatePasidIotlbPages(ushort did, uint pasid, ulong address, int am, bool invalidationHint)
    {
        _ = invalidationHint;
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return Iotlb.InvalidatePasidPages(did, pasid, address, am);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>Context-cache global invalidation. Does not touch the PASID cache or IOTLB.</summary>
    public int InvalidateContextGlobal()
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return ContextCache.InvalidateAll();
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>Context-cache domain-selective invalidation.</summary>
    public int InvalidateContextDomain(ushort did)
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return ContextCache.InvalidateDomain(did);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>Context-cache device-selective invalidation (SID, FM, DID).</summary>
    public int InvalidateContextDevice(ushort sourceId, int functionMask, ushort did)
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return ContextCache.InvalidateDevice(sourceId, functionMask, did);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>PASID-cache global invalidation (pc_inv_dsc G=11).</summary>
    public int InvalidatePasidCacheGlobal()
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return PasidCache.InvalidateAll();
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>PASID-cache domain-selective invalidation (pc_inv_dsc G=00).</summary>
    public int InvalidatePasidCacheDomain(ushort did)
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return PasidCache.InvalidateDomain(did);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>PASID-cache PASID-selective invalidation (pc_inv_dsc G=01).</summary>
    public int InvalidatePasidCachePasid(ushort did, uint pasid)
    {
        lock (_invalidationLock)
        {
            Epoch.Begin();
            try
            {
                return PasidCache.InvalidatePasid(did, pasid);
            }
            finally
            {
                Epoch.End();
            }
        }
    }

    /// <summary>Zeroes every cache's counters.</summary>
    public void ResetStatistics()
    {
        ContextCache.ResetStatistics();
        PasidCache.ResetStatistics();
        Iotlb.ResetStatistics();
        PagingStructureCache.ResetStatistics();
    }
}
