using VtdEmu.Caches.Internal;

namespace VtdEmu.Caches;

/// <summary>
/// What the context, PASID and paging-structure caches have in common: one set-associative array of
/// entries, a lock that serialises fills and invalidations, and striped lookup counters (the lookups
/// themselves take no lock; spec-notes/caching.md, threading contract).
/// </summary>
/// <typeparam name="TPayload">What one way of the array holds.</typeparam>
public abstract class SetAssociativeCache<TPayload>
    where TPayload : struct
{
    private protected SetAssociativeCache(CacheGeometry geometry, LookupCounters? lookups, Lock? writerLock)
    {
        _lock = writerLock ?? new Lock();
        _store = new SetAssociativeStore<TPayload>(geometry);
        _lookups = lookups ?? new LookupCounters();
    }

    /// <summary>The geometry: entries, ways and replacement policy.</summary>
    public CacheGeometry Geometry => _store.Geometry;

    /// <summary>Valid entries held.</summary>
    public int Count => _store.Count;

    /// <summary>Counter snapshot.</summary>
    public CacheStatistics Statistics => new(_lookups.Hits, _lookups.Misses, _store.Fills, _store.Evictions, _store.Invalidated);

    /// <summary>The epoch every invalidation of this cache runs under (shared by the unit's caches, see <see cref="TranslationCaches"/>).</summary>
    internal InvalidationEpoch Epoch { get; init; } = new();

#pragma warning disable CA1051 // Fields shared with the three derived caches; nothing outside the assembly sees them.
    private protected readonly SetAssociativeStore<TPayload> _store;
    private protected readonly Lock _lock;
    private protected readonly LookupCounters _lookups;
#pragma warning restore CA1051

    /// <summary>Zeroes the counters; entries stay.</summary>
    public void ResetStatistics()
    {
        lock (_lock)
        {
            _lookups.Reset();
            _store.ResetStatisticsLocked();
        }
    }
}
