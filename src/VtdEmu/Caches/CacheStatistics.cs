namespace VtdEmu.Caches;

/// <summary>
/// A snapshot of one cache's counters. Hits and misses are counted per lookup; <see cref="Fills"/>
/// counts entries written (new or replaced in place); <see cref="Evictions"/> counts valid entries
/// displaced by a fill of a different tag; <see cref="Invalidated"/> counts valid entries removed by
/// invalidation operations. Exactness under concurrency: spec-notes/caching.md.
/// </summary>
public readonly record struct CacheStatistics(long Hits, long Misses, long Fills, long Evictions, long Invalidated)
{
    /// <summary>Lookups counted.</summary>
    public long Lookups => Hits + Misses;

    /// <summary>Hits / lookups, 0 when nothing was looked up.</summary>
    public double HitRate => Lookups == 0 ? 0 : (double)Hits / Lookups;

    /// <summary>Counter-wise sum, for caches built from more than one array.</summary>
    public static CacheStatistics operator +(CacheStatistics a, CacheStatistics b) =>
        new(a.Hits + b.Hits, a.Misses + b.Misses, a.Fills + b.Fills, a.Evictions + b.Evictions, a.Invalidated + b.Invalidated);

    /// <summary>Counter-wise sum (CA2225 friendly name).</summary>
    public static CacheStatistics Add(CacheStatistics a, CacheStatistics b) => a + b;
}
