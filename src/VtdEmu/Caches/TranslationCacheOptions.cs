namespace VtdEmu.Caches;

/// <summary>
/// Geometry of every translation cache of one remapping unit, and CAP.CM. Any cache may be
/// disabled with <see cref="CacheGeometry.Disabled"/>.
/// </summary>
public sealed record TranslationCacheOptions
{
    /// <summary>CAP.CM: not-present / erroneous entries may be cached (context, PASID, IOTLB).</summary>
    public bool CachingMode { get; init; }

    /// <summary>Context cache: default 64 entries, 4-way, LRU.</summary>
    public CacheGeometry ContextCache { get; init; } = new(64, 4);

    /// <summary>PASID cache: default 64 entries, 4-way, LRU.</summary>
    public CacheGeometry PasidCache { get; init; } = new(64, 4);

    /// <summary>IOTLB 4 KiB (or shared) array: default 512 entries, 4-way, LRU.</summary>
    public CacheGeometry Iotlb { get; init; } = new(512, 4);

    /// <summary>Separate IOTLB large-page array, or null to share <see cref="Iotlb"/>. Default: 32 entries fully associative.</summary>
    public CacheGeometry? IotlbLargePages { get; init; } = CacheGeometry.FullyAssociative(32);

    /// <summary>Second-level paging-structure caches (all levels): default 64 entries, 4-way, LRU.</summary>
    public CacheGeometry PagingStructureCache { get; init; } = new(64, 4);

    /// <summary>Every cache disabled: the pipeline reads every structure on every request.</summary>
    public static TranslationCacheOptions None { get; } = new()
    {
        ContextCache = CacheGeometry.Disabled,
        PasidCache = CacheGeometry.Disabled,
        Iotlb = CacheGeometry.Disabled,
        IotlbLargePages = null,
        PagingStructureCache = CacheGeometry.Disabled,
    };
}
