using System.Runtime.CompilerServices;
using VtdEmu.Caches;
using VtdEmu.Caches.Internal;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

/// <summary>
/// The translate path of a remapping unit with its caches in front (VT-d spec ch. 6): context
/// cache (by source-id) before context resolution, PASID cache (by source-id, PASID) before the
/// PASID-table walk in scalable mode, IOTLB (DID, kind, page) before the second-level walk, and
/// the paging-structure cache to start a missed walk below the root. A hit re-reads nothing from
/// guest memory, so table edits without invalidation stay invisible exactly as on hardware.
/// What is cached when, the caching-mode rules and the epoch/fill rule: spec-notes/caching.md.
/// Thread-safe and allocation-free.
/// </summary>
// SAFETY: every local is definitely assigned before use (compiler-checked; the stackalloc'd PASID
// words are written in full before they are read), so skipping the prolog zeroing of the result and
// context structs, measurable on the IOTLB-hit path, exposes no uninitialised memory.
[SkipLocalsInit]
public sealed class CachedTranslator
{
    private const ulong PageAddressMask = 0x000F_FFFF_FFFF_F000;
    private const ulong TableMask = ~0xFFFUL;

    private readonly TranslationParameters _parameters;
    private readonly Translator _translator;
    private readonly ContextResolver _resolver;
    private readonly SecondLevelWalker _walker;
    private readonly TranslationCaches _caches;
    private readonly ContextCache _contextCache;
    private readonly PasidCache _pasidCache;
    private readonly Iotlb _iotlb;
    private readonly PagingStructureCache _pagingStructureCache;
    private readonly InvalidationEpoch _epoch;
    private readonly bool _cachingMode;
    private readonly TranslationCounters _counters = new();

    /// <summary>A translate path over <paramref name="memory"/> using <paramref name="caches"/> (their CM decides negative caching).</summary>
    public CachedTranslator(GuestMemory memory, TranslationParameters parameters, TranslationCaches caches)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(caches);
        _parameters = parameters;
        _translator = new Translator(memory, parameters);
        _resolver = _translator.Resolver;
        _walker = _translator.Walker;
        _caches = caches;
        _contextCache = caches.ContextCache;
        _pasidCache = caches.PasidCache;
        _iotlb = caches.Iotlb;
        _pagingStructureCache = caches.PagingStructureCache;
        _epoch = caches.Epoch;
        _cachingMode = caches.Options.CachingMode;
    }

    /// <summary>The caches this path looks up and fills.</summary>
    public TranslationCaches Caches => _caches;

    /// <summary>The same translation without caches (reads every structure on every request).</summary>
    public Translator Uncached => _translator;

    /// <summary>Counter snapshot (own counters plus the caches' lookup counters).</summary>
    public TranslationStatistics Statistics
    {
        get
        {
            CacheStatistics iotlb = _iotlb.Statistics;
            CacheStatistics context = _contextCache.Statistics;
            CacheStatistics pasid = _pasidCache.Statistics;
            CacheStatistics paging = _pagingStructureCache.Statistics;
            return new TranslationStatistics(
                _counters.Translations, _counters.Faults, _counters.Walks, _counters.TableReads,
                iotlb.Hits, iotlb.Misses, context.Hits, context.Misses, pasid.Hits, pasid.Misses, paging.Hits, paging.Misses);
        }
    }

    /// <summary>Zeroes the translate-path counters and every cache's counters; entries stay.</summary>
    public void ResetStatistics()
    {
        _counters.Reset();
        _caches.ResetStatistics();
    }

    /// <summary>Translates <paramref name="request"/> under the latched root pointer <paramref name="root"/>, through the caches.</summary>
    public TranslationResult Translate(in DmaRequest request, RootPointer root)
    {
        // Observed before any lookup or guest-memory read: fills from this request are dropped if an
        // invalidation began since (epoch/fill rule).
        long epoch = _epoch.Observe();
        if ((root.Ttm & 3) != RootPointer.LegacyMode || request.HasPasid)
        {
            return TranslateOther(request, root, epoch);
        }

        // One thread-id read for the three counted steps of the fast path.
        int stripe = LookupCounters.CurrentStripe;
        TranslationContext context;
        if (_contextCache.TryLookupSummary(request.SourceId, stripe, out ContextSummary cached) && !cached.IsScalable)
        {
            if (IsPlainSecondLevel(cached, request))
            {
                return TranslateLegacyCached(request, cached, stripe, epoch);
            }

            context = cached.Fault != FaultReason.None
                ? new TranslationContext { Fault = cached.Fault, Fpd = cached.FaultProcessingDisable }
                : CachedLegacyContext(cached, request);
        }
        else
        {
            context = ResolveLegacyMiss(request, root.Address, epoch);
        }

        return TranslateInContext(request, context, epoch);
    }

    // Everything but a legacy request without PASID: out of line so the legacy path's frame stays small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult TranslateOther(in DmaRequest request, RootPointer root, long epoch)
    {
        TranslationContext context;
        switch (root.Ttm & 3)
        {
            case RootPointer.LegacyMode:
                context = new TranslationContext { Fault = FaultReason.PasidRequestInLegacyMode };
                break;
            case RootPointer.ScalableMode when _parameters.ExtendedCapability.SMTS:
                context = ResolveScalable(request, root.Address, epoch);
                break;
            case RootPointer.AbortDmaMode when _parameters.ExtendedCapability.ADMS:
                _counters.Count(faulted: false, walked: false, 0);
                return new TranslationResult { Aborted = true };
            default:
                context = new TranslationContext { Fault = FaultReason.InvalidTranslationTableMode };
                break;
        }

        return TranslateInContext(request, context, epoch);
    }

    // The generic second half: the request in its resolved context, completed and counted.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult TranslateInContext(in DmaRequest request, in TranslationContext context, long epoch)
    {
        bool walked = false;
        TranslationResult result;
        if (context.Fault != FaultReason.None)
        {
            result = TranslationResult.Faulted(context.Fault, 0);
        }
        else if (context.Kind == TranslationKind.FirstLevel && request.AddressType != AddressType.Translated)
        {
            result = TranslateFirstLevel(request, context, epoch, out walked);
        }
        else if (request.AddressType == AddressType.Translated || context.Kind != TranslationKind.SecondLevel
            || request.Address >> _parameters.InputWidth(context.Levels) != 0)
        {
            // Translated and pass-through requests are not looked up in the IOTLB: their output is the
            // input, nothing about them can go stale. Width faults depend on the context alone.
            result = _translator.TranslateInContext(request, context);
        }
        else
        {
            result = TranslateSecondLevel(request, context, epoch, out walked);
        }

        result = Translator.Complete(context, result);
        _counters.Count(result.Fault != FaultReason.None, walked, result.TableReads);
        return result;
    }

    // The common request on a legacy context-cache hit: untranslated, second-level context, address
    // within the context's input width. Everything else takes the generic path below.
    private bool IsPlainSecondLevel(in ContextSummary cached, in DmaRequest request) =>
        cached.Fault == FaultReason.None
        && request.AddressType == AddressType.Untranslated
        && (TranslationType)cached.TranslationType != TranslationType.PassThrough
        && request.Address >> _parameters.InputWidth(TranslationParameters.LevelsForAw(cached.AddressWidth)) == 0;

    /// <summary>
    /// The fast path for a request <see cref="IsPlainSecondLevel"/> accepts: IOTLB lookup and on a
    /// positive hit a result built once, without the context struct, the generic completion copy or
    /// the walk frame. Results, faults and counters are exactly those of the generic path.
    /// </summary>
    private TranslationResult TranslateLegacyCached(in DmaRequest request, in ContextSummary cached, int stripe, long epoch)
    {
        ulong address = request.Address;
        bool found = _iotlb.TryLookupData(cached.Did, 0, TranslationKind.SecondLevel, address, stripe, out ulong hit, out int pageShift);
        if (found && Iotlb.DataFault(hit) == FaultReason.None)
        {
            ulong rights = hit & (ulong)AccessRights.ReadWrite;
            ulong output = (hit & PageAddressMask) | (address & ((1UL << pageShift) - 1));
            if (((ulong)request.Access & ~rights) == 0 && !SecondLevelWalker.IsInterruptRange(output))
            {
                _counters.Count(stripe, faulted: false, walked: false, 0);
                return new TranslationResult
                {
                    OutputAddress = output,
                    PageShift = pageShift,
                    Read = (rights & (ulong)DmaAccess.Read) != 0,
                    Write = (rights & (ulong)DmaAccess.Write) != 0,
                    DomainId = cached.Did,
                };
            }
        }

        return CompleteLegacyCached(request, cached, found, hit, pageShift, stripe, epoch);
    }

    // A fault from the cached leaf, a negative entry or a miss: the generic completion, out of line so
    // the hit's frame holds no context struct.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult CompleteLegacyCached(in DmaRequest request, in ContextSummary cached, bool found, ulong hit, int pageShift, int stripe, long epoch)
    {
        TranslationContext context = CachedLegacyContext(cached, request);
        TranslationResult result = found ? HitResult(request, hit, pageShift, scalable: false) : Walk(request, context, epoch);
        result = Translator.Complete(context, result);
        _counters.Count(stripe, result.Fault != FaultReason.None, walked: !found, result.TableReads);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationContext ResolveLegacyMiss(in DmaRequest request, ulong rootTable, long epoch)
    {
        ushort sourceId = request.SourceId;
        FaultReason fault = _resolver.ReadContextEntry(request, rootTable, out ContextEntry entry, out int reads);
        if (fault != FaultReason.None)
        {
            // Root-entry faults and unreadable entries are not context entries: never cached.
            return new TranslationContext { Fault = fault, TableReads = reads };
        }

        FaultReason entryFault = ContextResolver.CheckContextEntry(entry, _parameters);
        if (entryFault == FaultReason.None || _cachingMode)
        {
            Span<ulong> words = [entry.Low, entry.High];
            var fill = new ContextCacheEntry(
                sourceId, entryFault == FaultReason.None ? entry.DID : (ushort)0, words, entryFault,
                (byte)entry.TT, (byte)entry.AW, entry.SLPTPTR, entry.FPD);
            _contextCache.Fill(fill, _epoch, epoch);
        }

        return ContextResolver.LegacyContext(entry, entryFault, request, reads);
    }

    private static TranslationContext CachedLegacyContext(in ContextSummary cached, in DmaRequest request)
    {
        var tt = (TranslationType)cached.TranslationType;
        FaultReason fault = ContextResolver.CheckLegacyRequestType(tt, request.AddressType);
        bool passThrough = tt == TranslationType.PassThrough;
        return new TranslationContext
        {
            Fault = fault,
            Fpd = cached.FaultProcessingDisable,
            DomainId = fault == FaultReason.None ? cached.Did : (ushort)0,
            Kind = passThrough ? TranslationKind.PassThrough : TranslationKind.SecondLevel,
            SecondLevelRoot = passThrough ? 0 : cached.TablePointer,
            Levels = passThrough ? 0 : TranslationParameters.LevelsForAw(cached.AddressWidth),
        };
    }

    private TranslationContext ResolveScalable(in DmaRequest request, ulong rootTable, long epoch)
    {
        ushort sourceId = request.SourceId;
        ScalableContextEntry context;
        int reads = 0;
        if (_contextCache.TryLookup(sourceId, out ContextCacheEntry cached) && cached.IsScalable)
        {
            if (cached.IsNegative)
            {
                return new TranslationContext { Fault = cached.Fault, Scalable = true, Fpd = cached.FaultProcessingDisable };
            }

            Span<ulong> words = [cached.Word(0), cached.Word(1), cached.Word(2), cached.Word(3)];
            context = new ScalableContextEntry(words);
        }
        else
        {
            FaultReason readFault = _resolver.ReadScalableContextEntry(request, rootTable, out context, out reads);
            if (readFault != FaultReason.None)
            {
                return new TranslationContext { Fault = readFault, Scalable = true, TableReads = reads };
            }

            FaultReason entryFault = ContextResolver.CheckScalableContextEntry(context, _parameters);
            if (entryFault == FaultReason.None || _cachingMode)
            {
                Span<ulong> words = [context.Word(0), context.Word(1), context.Word(2), context.Word(3)];
                var fill = new ContextCacheEntry(sourceId, 0, words, entryFault, tablePointer: context.PASIDDIRPTR, faultProcessingDisable: context.FPD);
                _contextCache.Fill(fill, _epoch, epoch);
            }

            if (entryFault != FaultReason.None)
            {
                return new TranslationContext { Fault = entryFault, Scalable = true, Fpd = context.FPD, TableReads = reads };
            }
        }

        FaultReason fault = ContextResolver.CheckScalableRequest(context, request, _parameters, out uint pasid);
        if (fault != FaultReason.None)
        {
            return new TranslationContext { Fault = fault, Scalable = true, Fpd = context.FPD, TableReads = reads };
        }

        if (_pasidCache.TryLookup(sourceId, pasid, out PasidCacheEntry pasidCached))
        {
            return CachedPasidContext(pasidCached, context.FPD, reads, pasid);
        }

        fault = _resolver.ReadPasidEntry(context, pasid, out PasidEntry pasidEntry, out bool directoryFpd, out int pasidReads);
        bool fpd = context.FPD | directoryFpd;
        reads += pasidReads;
        if (fault != FaultReason.None)
        {
            // PASID-directory entries are not cached, nor are unreadable entries.
            return new TranslationContext { Fault = fault, Scalable = true, Fpd = fpd, TableReads = reads };
        }

        FaultReason pasidFault = ContextResolver.CheckPasidEntry(pasidEntry, _parameters);
        if (pasidFault == FaultReason.None || _cachingMode)
        {
            Span<ulong> words = stackalloc ulong[PasidEntry.WordCount];
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = pasidEntry.Word(i);
            }

            // The derived FPD includes the directory entry's: directory entries are not cached, and
            // the request must be suppressed on a hit exactly as on the walk that filled the entry.
            var fill = new PasidCacheEntry(
                sourceId, pasid, pasidFault == FaultReason.None ? pasidEntry.DID : (ushort)0, words, pasidFault,
                (byte)pasidEntry.PGTT, (byte)pasidEntry.AW, pasidEntry.SLPTPTR, directoryFpd | pasidEntry.FPD);
            _pasidCache.Fill(fill, _epoch, epoch);
        }

        return ContextResolver.PasidContext(pasidEntry, pasidFault, fpd, reads, pasid);
    }

    private static TranslationContext CachedPasidContext(in PasidCacheEntry cached, bool contextFpd, int reads, uint pasid)
    {
        bool fpd = contextFpd | cached.FaultProcessingDisable;
        if (cached.IsNegative)
        {
            return new TranslationContext { Fault = cached.Fault, Scalable = true, Fpd = fpd, TableReads = reads };
        }

        if ((PasidGranularTranslationType)cached.PasidGranularTranslationType == PasidGranularTranslationType.FirstLevel)
        {
            // First-level contexts need FLPTPTR, FLPM, SRE, ERE and WPE: rebuilt from the cached words.
            Span<ulong> words = stackalloc ulong[PasidEntry.WordCount];
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = cached.Word(i);
            }

            return ContextResolver.PasidContext(new PasidEntry(words), FaultReason.None, contextFpd | cached.FaultProcessingDisable, reads, pasid);
        }

        bool passThrough = (PasidGranularTranslationType)cached.PasidGranularTranslationType == PasidGranularTranslationType.PassThrough;
        return new TranslationContext
        {
            Scalable = true,
            Fpd = fpd,
            TableReads = reads,
            DomainId = cached.Did,
            Kind = passThrough ? TranslationKind.PassThrough : TranslationKind.SecondLevel,
            SecondLevelRoot = passThrough ? 0 : cached.TablePointer,
            Levels = passThrough ? 0 : TranslationParameters.LevelsForAw(cached.AddressWidth),
        };
    }

    private TranslationResult TranslateSecondLevel(in DmaRequest request, in TranslationContext context, long epoch, out bool walked)
    {
        ulong address = request.Address;
        ushort did = context.DomainId;
        bool scalable = context.Scalable;
        if (_iotlb.TryLookupData(did, 0, TranslationKind.SecondLevel, address, out ulong hit, out int pageShift))
        {
            walked = false;
            return HitResult(request, hit, pageShift, scalable);
        }

        walked = true;
        return Walk(request, context, epoch);
    }

    /// <summary>
    /// A first-level context: the IOTLB, tagged (DID, PASID, first level), answers user-mode non-execute requests
    /// whose rights it holds — W only once the leaf's D was set, so a write to a clean page walks to set D;
    /// everything else walks (spec-notes/first-level.md). First-level not-present entries are never cached.
    /// </summary>
    private TranslationResult TranslateFirstLevel(in DmaRequest request, in TranslationContext context, long epoch, out bool walked)
    {
        ulong address = request.Address;
        bool plain = !request.Privileged && !request.Execute;
        if (plain && _iotlb.TryLookupData(context.DomainId, context.Pasid, TranslationKind.FirstLevel, address, out ulong hit, out int pageShift)
            && ((ulong)request.Access & ~hit & (ulong)AccessRights.ReadWrite) == 0)
        {
            walked = false;
            return SecondLevelWalker.CheckLeaf(address, request.Access, scalable: true, hit & PageAddressMask, hit & (ulong)AccessRights.ReadWrite, pageShift, 0);
        }

        walked = true;
        TranslationResult result = _translator.TranslateFirstLevel(request, context, out FirstLevelLeaf leaf);
        if (result.Fault == FaultReason.None && leaf.Cacheable)
        {
            AccessRights rights = AccessRights.Read | (leaf.Write ? AccessRights.Write : AccessRights.None);
            _iotlb.Fill(new IotlbEntry(context.DomainId, context.Pasid, TranslationKind.FirstLevel, address, (PageSize)((leaf.PageShift - 12) / 9), leaf.Page, rights), _epoch, epoch);
        }

        return result;
    }

    // An IOTLB hit's result: the negative entry's fault, or the request checked against the cached leaf.
    private static TranslationResult HitResult(in DmaRequest request, ulong hit, int pageShift, bool scalable)
    {
        FaultReason cachedFault = Iotlb.DataFault(hit);
        return cachedFault != FaultReason.None
            ? TranslationResult.Faulted(NegativeFault(cachedFault, scalable, request.Access), 0)
            : SecondLevelWalker.CheckLeaf(request.Address, request.Access, scalable, hit & PageAddressMask, hit & (ulong)AccessRights.ReadWrite, pageShift, 0);
    }

    // The IOTLB-miss path, kept out of line so the hit path's frame stays small (no walk-path buffer
    // or walk structs to set up on a hit).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult Walk(in DmaRequest request, in TranslationContext context, long epoch)
    {
        ulong address = request.Address;
        ushort did = context.DomainId;
        int levels = context.Levels;
        WalkStart start = _pagingStructureCache.TryLookup(did, address, levels, out PagingStructureEntry cachedTable)
            ? new WalkStart(cachedTable.TableAddress, cachedTable.Level - 1, levels, (DmaAccess)cachedTable.Rights)
            : WalkStart.FromRoot(context.SecondLevelRoot, levels);
        WalkPath path = default;
        WalkOutcome outcome = _walker.WalkCore(address, start, ref path);
        Fill(did, address, start.Level, outcome, ref path, context.Scalable, epoch);
        return SecondLevelWalker.Complete(address, request.Access, context.Scalable, outcome);
    }

    private void Fill(ushort did, ulong address, int startLevel, in WalkOutcome outcome, ref WalkPath path, bool scalable, long epoch)
    {
        // Every non-leaf entry the walk validated (present, no reserved bits) may be cached, whatever
        // happened below it.
        for (int level = startLevel; level > outcome.Level && level >= PagingStructureEntry.MinLevel; level--)
        {
            ulong next = path[level];
            _pagingStructureCache.Fill(new PagingStructureEntry(did, level, address, next & TableMask, (AccessRights)(next & (ulong)AccessRights.ReadWrite)), _epoch, epoch);
        }

        switch (outcome.Status)
        {
            case WalkStatus.Leaf:
                // A present, valid leaf is cached even when this request lacks its rights or its output
                // is in the interrupt range: those are checks of the request against the entry.
                _iotlb.Fill(
                    new IotlbEntry(did, 0, TranslationKind.SecondLevel, address, (PageSize)(outcome.Level - 1), outcome.Entry & PageAddressMask, (AccessRights)outcome.Rights),
                    _epoch, epoch);
                break;
            case WalkStatus.NotPresent or WalkStatus.Reserved when _cachingMode:
                // CM=1: the not-present or erroneous entry is cached as a negative IOTLB entry covering
                // the region that entry maps, at most 1 GiB (the largest IOTLB page).
                FaultReason fault = outcome.Status == WalkStatus.NotPresent
                    ? FaultReason.SecondLevelEntryNotPresent
                    : scalable ? FaultReason.SecondLevelEntryReserved : FaultReason.PagingEntryReserved;
                var size = (PageSize)(Math.Min(outcome.Level, 3) - 1);
                _iotlb.Fill(new IotlbEntry(did, 0, TranslationKind.SecondLevel, address, size, 0, AccessRights.None, fault), _epoch, epoch);
                break;
            default:
                // Unreadable tables are not entries: never cached.
                break;
        }
    }

    /// <summary>
    /// The fault a negative IOTLB entry produces. Not-present entries are stored as SSL.2 whatever
    /// the mode; legacy mode has no not-present code and reports the request's missing right.
    /// </summary>
    private static FaultReason NegativeFault(FaultReason stored, bool scalable, DmaAccess access) =>
        stored == FaultReason.SecondLevelEntryNotPresent && !scalable ? SecondLevelWalker.PermissionFault(false, access, 0) : stored;
}
