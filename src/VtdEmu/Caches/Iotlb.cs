using System.Runtime.CompilerServices;
using VtdEmu.Caches.Internal;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Translation;

namespace VtdEmu.Caches;

/// <summary>
/// IOTLB (VT-d spec §6.2.3): cached input-page → output-page translations, tagged by DID, kind,
/// PASID (first-level and nested only), input page number and page size. Source-id is not part of
/// the tag, so devices sharing a DID share entries (§6.2.3; spec-notes/caching.md "What software must invalidate").
/// <para>
/// 4 KiB entries live in one array; 2 MiB and 1 GiB entries share it or use a separate large-page
/// array. A lookup probes 4 KiB, then 2 MiB, then 1 GiB. Lookups are lock-free; fills and
/// invalidations are serialised (threading contract in spec-notes/caching.md).
/// </para>
/// </summary>
public sealed class Iotlb
{
    internal const uint PasidMask = 0xF_FFFF;
    private const int SizeCount = 3;
    private const ulong PageNumberMask = (1UL << 52) - 1;
    private const int PasidShift = 16;
    private const int KindShift = 36;
    private const ulong KindMask = 3;
    private const int FaultShift = 4;
    private const ulong GlobalBit = 1UL << 2;
    private const int UntaggedKinds = (1 << (int)TranslationKind.SecondLevel) | (1 << (int)TranslationKind.PassThrough);
    private const int PasidKinds = (1 << (int)TranslationKind.FirstLevel) | (1 << (int)TranslationKind.Nested);
    private const int SecondLevelKinds = UntaggedKinds | (1 << (int)TranslationKind.Nested);

    private readonly SetAssociativeStore<ulong> _small;
    private readonly SetAssociativeStore<ulong> _large;
    private readonly Lock _lock;

    // Set by a nested fill, cleared by a global invalidation: page-selective invalidations scan every set for nested
    // entries only while some may exist.
    private bool _mayHoldNested;
    private readonly LookupCounters _lookups;

    /// <summary>Creates an IOTLB.</summary>
    /// <param name="geometry">The 4 KiB array (and the large-page array too when <paramref name="largePages"/> is null).</param>
    /// <param name="largePages">A separate array for 2 MiB / 1 GiB entries, or null to share <paramref name="geometry"/>.</param>
    /// <param name="cachingMode">CAP.CM: when false, negative (faulting) entries are refused.</param>
    public Iotlb(CacheGeometry geometry, CacheGeometry? largePages = null, bool cachingMode = false)
        : this(geometry, largePages, cachingMode, null, null)
    {
    }

    /// <summary>An IOTLB counting its lookups in <paramref name="lookups"/> (the unit's shared counter block), writing under <paramref name="writerLock"/> (the unit's caches share one).</summary>
    internal Iotlb(CacheGeometry geometry, CacheGeometry? largePages, bool cachingMode, LookupCounters? lookups, Lock? writerLock)
    {
        _lock = writerLock ?? new Lock();
        _lookups = lookups ?? new LookupCounters();
        _small = new SetAssociativeStore<ulong>(geometry);
        _large = largePages is { } large ? new SetAssociativeStore<ulong>(large) : _small;
        CachingMode = cachingMode;
    }

    /// <summary>CAP.CM: whether not-present / erroneous results may be cached (§6.1).</summary>
    public bool CachingMode { get; }

    /// <summary>Geometry of the 4 KiB (or shared) array.</summary>
    public CacheGeometry Geometry => _small.Geometry;

    /// <summary>Geometry of the large-page array (equal to <see cref="Geometry"/> when shared).</summary>
    public CacheGeometry LargePageGeometry => _large.Geometry;

    /// <summary>The epoch every invalidation of this cache runs under (shared by the unit's caches, see <see cref="TranslationCaches"/>).</summary>
    internal InvalidationEpoch Epoch { get; init; } = new();

    /// <summary>Whether large pages have their own array.</summary>
    public bool HasSeparateLargePageArray => !ReferenceEquals(_small, _large);

    /// <summary>Valid entries held.</summary>
    public int Count => HasSeparateLargePageArray ? _small.Count + _large.Count : _small.Count;

    /// <summary>Counter snapshot.</summary>
    public CacheStatistics Statistics
    {
        get
        {
            long fills = _small.Fills, evictions = _small.Evictions, invalidated = _small.Invalidated;
            if (HasSeparateLargePageArray)
            {
                fills += _large.Fills;
                evictions += _large.Evictions;
                invalidated += _large.Invalidated;
            }

            return new CacheStatistics(_lookups.Hits, _lookups.Misses, fills, evictions, invalidated);
        }
    }

    /// <summary>Zeroes the counters; entries stay.</summary>
    public void ResetStatistics()
    {
        lock (_lock)
        {
            _lookups.Reset();
            _small.ResetStatisticsLocked();
            _large.ResetStatisticsLocked();
        }
    }

    /// <summary>Whether <paramref name="kind"/> is tagged by PASID (first-level and nested).</summary>
    internal static bool UsesPasid(TranslationKind kind) => ((1 << (int)kind) & PasidKinds) != 0;

    /// <summary>
    /// Looks up the translation of <paramref name="inputAddress"/> for (DID, kind, PASID); probes
    /// 4 KiB, 2 MiB, 1 GiB in that order. <paramref name="pasid"/> is ignored for second-level and
    /// pass-through kinds. Allocation-free and lock-free.
    /// </summary>
    public bool TryLookup(ushort did, uint pasid, TranslationKind kind, ulong inputAddress, out IotlbEntry entry)
    {
        ulong key1 = Key1(did, pasid, kind);
        bool hit = Probe(key1, inputAddress, out ulong data, out int size);
        _lookups.Count(hit);
        if (hit)
        {
            ulong aligned = (inputAddress >> PageGeometry.PageShift) & PageNumberMask & ~SizeMask(size);
            entry = Decode(key1, (PageSize)size, aligned, data);
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// The translate path's lookup: as <see cref="TryLookup"/> but uncounted (the pipeline counts in
    /// its own stripe), returning the entry's data word (output page base in bits 51:12, R/W in 1:0,
    /// the fault in 11:4, see <see cref="DataFault"/>) and its page shift instead of an <see cref="IotlbEntry"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool Find(ushort did, uint pasid, TranslationKind kind, ulong inputAddress, out ulong data, out int pageShift)
    {
        // The 4 KiB probe inline (the common hit), the large sizes out of line: the same order as Probe.
        ulong key1 = Key1(did, pasid, kind);
        ulong pageNumber = (inputAddress >> PageGeometry.PageShift) & PageNumberMask;
        pageShift = PageGeometry.PageShift;
        if (_small.MayHold(0) && _small.TryFind(_small.SetOf(pageNumber), Key0(0, pageNumber), key1, out data))
        {
            return true;
        }

        return FindLarge(key1, inputAddress, out data, out pageShift);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FindLarge(ulong key1, ulong inputAddress, out ulong data, out int pageShift)
    {
        bool hit = Probe(key1, inputAddress, out data, out int size, firstSize: 1);
        pageShift = PageGeometry.LevelShift(size + 1);
        return hit;
    }

    /// <summary>The fault stored in a data word from <see cref="Find"/>.</summary>
    internal static FaultReason DataFault(ulong data) => (FaultReason)(byte)((data >> FaultShift) & byte.MaxValue);

    private bool Probe(ulong key1, ulong inputAddress, out ulong data, out int size, int firstSize = 0)
    {
        ulong pageNumber = (inputAddress >> PageGeometry.PageShift) & PageNumberMask;
        for (size = firstSize; size < SizeCount; size++)
        {
            SetAssociativeStore<ulong> store = size == 0 ? _small : _large;
            if (!store.MayHold(size))
            {
                continue;
            }

            ulong aligned = pageNumber & ~SizeMask(size);
            if (store.TryFind(store.SetOf(aligned >> (PageGeometry.LevelBits * size)), Key0(size, aligned), key1, out data))
            {
                return true;
            }
        }

        data = 0;
        size = 0;
        return false;
    }

    /// <summary>
    /// Caches <paramref name="entry"/>, replacing an entry with the same tag in place. A negative
    /// entry is refused (returns false) unless <see cref="CachingMode"/>; a disabled cache refuses
    /// everything.
    /// </summary>
    public bool Fill(in IotlbEntry entry) => Fill(entry, null, 0);

    /// <summary>
    /// <see cref="Fill(in IotlbEntry)"/> for the translate path: refused when an invalidation began
    /// after <paramref name="observed"/> was read from <paramref name="epoch"/> (null: no check).
    /// </summary>
    internal bool Fill(in IotlbEntry entry, InvalidationEpoch? epoch, long observed)
    {
        lock (_lock)
        {
            return (epoch is null || epoch.IsCurrent(observed)) && FillHeld(entry);
        }
    }

    /// <summary>
    /// <see cref="Fill(in IotlbEntry)"/> with the writer lock already held and the epoch already checked by
    /// the caller (one walk's fills under one acquisition, see <see cref="TranslationCaches.WriterLock"/>).
    /// </summary>
    internal bool FillHeld(in IotlbEntry entry)
    {
        if ((entry.IsNegative && !CachingMode) || (uint)entry.Size >= SizeCount)
        {
            return false;
        }

        int size = (int)entry.Size;
        SetAssociativeStore<ulong> store = size == 0 ? _small : _large;
        if (!store.IsEnabled)
        {
            return false;
        }

        ulong aligned = (entry.InputPageBase >> PageGeometry.PageShift) & PageNumberMask;
        ulong data = entry.OutputPageBase | (ulong)entry.Rights | (entry.IsGlobal ? GlobalBit : 0) | ((ulong)entry.Fault << FaultShift);
        store.FillLocked(store.SetOf(aligned >> (PageGeometry.LevelBits * size)), Key0(size, aligned), Key1(entry.Did, entry.Pasid, entry.Kind), data);
        _mayHoldNested |= entry.Kind == TranslationKind.Nested;
        return true;
    }

    /// <summary>
    /// A copy of every valid entry, the 4 KiB (or shared) array first, each in set/way order.
    /// Read-only and allocating: for dumps and tests, not the translate path.
    /// </summary>
    public IReadOnlyList<IotlbEntry> Snapshot()
    {
        List<(ulong Key0, ulong Key1, ulong Payload)> slots = [];
        lock (_lock)
        {
            _small.CopyValidLocked(slots);
            if (HasSeparateLargePageArray)
            {
                _large.CopyValidLocked(slots);
            }
        }

        var entries = new List<IotlbEntry>(slots.Count);
        foreach ((ulong key0, ulong key1, ulong data) in slots)
        {
            int size = (int)(key0 >> SetAssociativeStore<ulong>.ClassShift) & (SetAssociativeStore<ulong>.Classes - 1);
            entries.Add(Decode(key1, (PageSize)size, key0 & PageNumberMask, data));
        }

        return entries;
    }

    /// <summary>Global invalidation (IOTLB_REG / iotlb_inv_dsc G=01): every entry of every kind. Returns entries removed.</summary>
    public int InvalidateAll()
    {
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            _mayHoldNested = false;
            return _small.ClearLocked() + (HasSeparateLargePageArray ? _large.ClearLocked() : 0);
        }
    }

    /// <summary>
    /// Domain-selective invalidation (G=10): second-level, pass-through and nested entries of <paramref name="did"/>,
    /// all PASIDs (a nested entry holds second-level information, so a second-level invalidation removes it).
    /// </summary>
    public int InvalidateDomain(ushort did)
    {
        var match = new Match(did, SecondLevelKinds, pasid: null, 0, PageNumberMask + 1, spareGlobal: false);
        return InvalidateAllSets(ref match);
    }

    /// <summary>
    /// Page-selective-within-domain invalidation (G=11): second-level and pass-through entries of
    /// <paramref name="did"/> overlapping the 2^<paramref name="am"/> pages at <paramref name="address"/>
    /// (low AM bits of the page number ignored). Large pages overlapping the range are dropped.
    /// Guest-controlled AM is clamped, never trusted to be small. Every nested entry of the DID goes too.
    /// </summary>
    public int InvalidatePages(ushort did, ulong address, int am)
    {
        (ulong first, ulong end) = PageRange(address, am);
        var match = new Match(did, UntaggedKinds, pasid: null, first, end, spareGlobal: false);
        using InvalidationScope scope = Epoch.Enter();
        int removed = InvalidateRange(ref match);
        if (Volatile.Read(ref _mayHoldNested))
        {
            // The range names second-level input (guest physical) addresses; a nested entry is keyed by its
            // first-level input and does not record which guest-physical pages it went through, so every nested
            // entry of the DID goes — coarser than asked, which §6.5 allows (spec-notes/nested.md §4).
            var nested = new Match(did, 1 << (int)TranslationKind.Nested, pasid: null, 0, PageNumberMask + 1, spareGlobal: false);
            removed += InvalidateAllSets(ref nested);
        }

        return removed;
    }

    /// <summary>PASID-selective P_IOTLB (G=10): first-level and nested entries of (DID, PASID) except global ones.</summary>
    public int InvalidatePasid(ushort did, uint pasid)
    {
        var match = new Match(did, PasidKinds, pasid & PasidMask, 0, PageNumberMask + 1, spareGlobal: true);
        return InvalidateAllSets(ref match);
    }

    /// <summary>Page-selective-within-PASID P_IOTLB (G=11): first-level and nested entries of (DID, PASID), globals included, overlapping the range.</summary>
    public int InvalidatePasidPages(ushort did, uint pasid, ulong address, int am)
    {
        (ulong first, ulong end) = PageRange(address, am);
        var match = new Match(did, PasidKinds, pasid & PasidMask, first, end, spareGlobal: false);
        return InvalidateRange(ref match);
    }

    /// <summary>The aligned page-number range [first, end) an (ADDR, AM) pair names (§6.5.1.2 / iotlb_inv_dsc).</summary>
    internal static (ulong First, ulong End) PageRange(ulong address, int am)
    {
        int log = Math.Clamp(am, 0, 52);
        ulong first = (address >> PageGeometry.PageShift) & PageNumberMask & ~((1UL << log) - 1);
        return (first, first + (1UL << log));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SizeMask(int size) => (1UL << (PageGeometry.LevelBits * size)) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key0(int size, ulong alignedPageNumber) =>
        SetAssociativeStore<ulong>.ValidBit | ((ulong)size << SetAssociativeStore<ulong>.ClassShift) | alignedPageNumber;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key1(ushort did, uint pasid, TranslationKind kind) =>
        did | ((UsesPasid(kind) ? (ulong)(pasid & PasidMask) : 0) << PasidShift) | ((ulong)kind << KindShift);

    private static IotlbEntry Decode(ulong key1, PageSize size, ulong alignedPageNumber, ulong data) =>
        new(
            (ushort)(key1 & ushort.MaxValue),
            (uint)((key1 >> PasidShift) & PasidMask),
            (TranslationKind)((key1 >> KindShift) & KindMask),
            alignedPageNumber << PageGeometry.PageShift,
            size,
            data & ~IotlbEntry.OffsetMask(PageSize.Size4K),
            (DmaAccess)(data & (ulong)DmaAccess.ReadWrite),
            (FaultReason)(byte)((data >> FaultShift) & byte.MaxValue),
            (data & GlobalBit) != 0);

    private int InvalidateAllSets(ref Match match)
    {
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            int removed = _small.InvalidateLocked(ref match);
            return HasSeparateLargePageArray ? removed + _large.InvalidateLocked(ref match) : removed;
        }
    }

    // Only the sets a range can map to are scanned, per page size: the set index is the low bits
    // of the size-aligned page number, so a range of n pages of a size touches at most n sets.
    private int InvalidateRange(ref Match match)
    {
        using InvalidationScope scope = Epoch.Enter();
        lock (_lock)
        {
            int removed = 0;
            for (int size = 0; size < SizeCount; size++)
            {
                SetAssociativeStore<ulong> store = size == 0 ? _small : _large;
                if (!store.IsEnabled)
                {
                    continue;
                }

                ulong first = match.First >> (PageGeometry.LevelBits * size);
                ulong last = (match.End - 1) >> (PageGeometry.LevelBits * size);
                int sets = store.Geometry.Sets;
                if (last - first + 1 >= (ulong)sets)
                {
                    removed += store.InvalidateLocked(ref match);
                    continue;
                }

                for (ulong n = first; n <= last; n++)
                {
                    removed += store.InvalidateSetLocked(store.SetOf(n), ref match);
                }
            }

            return removed;
        }
    }

    /// <summary>Invalidation predicate: DID, kind set, optional PASID, page range, optional sparing of globals.</summary>
    private readonly struct Match(ushort did, int kinds, uint? pasid, ulong first, ulong end, bool spareGlobal) : IEntryMatch<ulong>
    {
        public ulong First => first;

        public ulong End => end;

        public bool Matches(ulong key0, ulong key1, in ulong payload)
        {
            if ((key1 & ushort.MaxValue) != did || ((1 << (int)((key1 >> KindShift) & KindMask)) & kinds) == 0)
            {
                return false;
            }

            if (pasid is { } p && ((key1 >> PasidShift) & PasidMask) != p)
            {
                return false;
            }

            if (spareGlobal && (payload & GlobalBit) != 0)
            {
                return false;
            }

            int size = (int)(key0 >> SetAssociativeStore<ulong>.ClassShift) & (SetAssociativeStore<ulong>.Classes - 1);
            ulong page = key0 & PageNumberMask;
            return page < end && page + (1UL << (PageGeometry.LevelBits * size)) > first;
        }
    }
}
