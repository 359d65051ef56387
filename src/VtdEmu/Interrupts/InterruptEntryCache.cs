using VtdEmu.Caches;
using VtdEmu.Caches.Internal;

namespace VtdEmu.Interrupts;

/// <summary>
/// The interrupt entry cache (IEC, VT-d spec §6.2 caching of interrupt-remapping entries, §6.5.2.7): IRTEs looked
/// up by interrupt index, so an edited IRTE stays invisible until an iec_inv_dsc (global, or
/// index-selective with an index mask) or a SIRTP on a unit with CAP.ESIRTPS removes it. Only
/// present IRTEs without reserved bits are cached (spec-notes/interrupt-remapping.md §4). The
/// geometry is configurable like the other caches; the set index is the low bits of the index.
/// </summary>
public sealed class InterruptEntryCache : SetAssociativeCache<InterruptEntryCacheEntry>
{
    /// <summary>The default geometry: 64 entries, 4-way, LRU.</summary>
    public static readonly CacheGeometry DefaultGeometry = new(64, 4);

    /// <summary>Creates an empty cache with <paramref name="geometry"/>.</summary>
    public InterruptEntryCache(CacheGeometry geometry)
        : base(geometry, null, null)
    {
    }

    /// <summary>Looks up the cached IRTE for <paramref name="index"/>.</summary>
    public bool TryLookup(int index, out InterruptEntryCacheEntry entry)
    {
        if (_store.TryFind(_store.SetOf((ulong)index), Key(index), 0, out entry))
        {
            _lookups.Hit();
            return true;
        }

        _lookups.Miss();
        return false;
    }

    /// <summary>Caches <paramref name="entry"/> (replacing an older entry with the same index).</summary>
    public void Fill(in InterruptEntryCacheEntry entry)
    {
        if (!_store.IsEnabled)
        {
            return;
        }

        lock (_lock)
        {
            _store.FillLocked(_store.SetOf((ulong)entry.Index), Key(entry.Index), 0, entry);
        }
    }

    /// <summary>Global invalidation (iec_inv_dsc G = 0, or SIRTP with CAP.ESIRTPS). Returns the entries removed.</summary>
    public int InvalidateAll()
    {
        lock (_lock)
        {
            return _store.ClearLocked();
        }
    }

    /// <summary>
    /// Index-selective invalidation (iec_inv_dsc G = 1): the 2^<paramref name="indexMask"/> indexes
    /// starting at <paramref name="index"/> with its low <paramref name="indexMask"/> bits cleared.
    /// </summary>
    public int InvalidateIndexes(int index, int indexMask)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(indexMask);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(indexMask, 16);
        int first = index & ~((1 << indexMask) - 1);
        var match = new Range(first, first + (1 << indexMask));
        lock (_lock)
        {
            return _store.InvalidateLocked(ref match);
        }
    }

    /// <summary>The cached entries, in no particular order (for dumps).</summary>
    public IReadOnlyList<InterruptEntryCacheEntry> Snapshot()
    {
        var raw = new List<(ulong Key0, ulong Key1, InterruptEntryCacheEntry Payload)>();
        lock (_lock)
        {
            _store.CopyValidLocked(raw);
        }

        return [.. raw.Select(e => e.Payload).OrderBy(e => e.Index)];
    }

    private static ulong Key(int index) => SetAssociativeStore<InterruptEntryCacheEntry>.ValidBit | (uint)index;

    private readonly struct Range(int first, int end) : IEntryMatch<InterruptEntryCacheEntry>
    {
        public bool Matches(ulong key0, ulong key1, in InterruptEntryCacheEntry payload) => payload.Index >= first && payload.Index < end;
    }
}
