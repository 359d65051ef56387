namespace VtdEmu.Translation;

/// <summary>
/// A snapshot of one remapping unit's translate-path counters (definitions in spec-notes/caching.md,
/// "Statistics"). Counted only while translation is enabled (GSTS.TES = 1): untranslated requests
/// touch neither the caches nor these counters. Not atomic across counters while DMA runs.
/// </summary>
/// <param name="Translations">Requests translated (including faulted and aborted ones).</param>
/// <param name="Faults">Translations that ended in a fault, recorded or FPD-suppressed (aborts excluded).</param>
/// <param name="Walks">Second-level walks started (IOTLB misses that read paging entries).</param>
/// <param name="TableReads">Translation-structure entries read from guest memory (root, context, PASID, paging).</param>
/// <param name="IotlbHits">IOTLB lookups that hit (positive or negative entry).</param>
/// <param name="IotlbMisses">IOTLB lookups that missed.</param>
/// <param name="ContextCacheHits">Context-cache lookups that hit.</param>
/// <param name="ContextCacheMisses">Context-cache lookups that missed.</param>
/// <param name="PasidCacheHits">PASID-cache lookups that hit (scalable mode).</param>
/// <param name="PasidCacheMisses">PASID-cache lookups that missed.</param>
/// <param name="PagingStructureCacheHits">Walks that started below the root from a cached non-leaf entry.</param>
/// <param name="PagingStructureCacheMisses">Walks that started at the root after a paging-structure-cache lookup.</param>
public readonly record struct TranslationStatistics(
    long Translations,
    long Faults,
    long Walks,
    long TableReads,
    long IotlbHits,
    long IotlbMisses,
    long ContextCacheHits,
    long ContextCacheMisses,
    long PasidCacheHits,
    long PasidCacheMisses,
    long PagingStructureCacheHits,
    long PagingStructureCacheMisses)
{
    /// <summary>Guest-memory table reads per translation (0 when nothing was translated).</summary>
    public double ReadsPerTranslation => Translations == 0 ? 0 : (double)TableReads / Translations;

    /// <summary>IOTLB hits / IOTLB lookups (0 when nothing was looked up).</summary>
    public double IotlbHitRate => IotlbHits + IotlbMisses == 0 ? 0 : (double)IotlbHits / (IotlbHits + IotlbMisses);

    public override string ToString() =>
        $"translations={Translations} faults={Faults} walks={Walks} reads={TableReads} ({ReadsPerTranslation:F2}/translation) " +
        $"iotlb={IotlbHits}/{IotlbHits + IotlbMisses} context={ContextCacheHits}/{ContextCacheHits + ContextCacheMisses} " +
        $"pasid={PasidCacheHits}/{PasidCacheHits + PasidCacheMisses} psc={PagingStructureCacheHits}/{PagingStructureCacheHits + PagingStructureCacheMisses}";
}
