using System.Runtime.CompilerServices;
using VtdEmu.Caches;
using VtdEmu.Caches.Internal;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;
using VtdEmu.Tables;

namespace VtdEmu.Translation;

/// <summary>
/// The translate pipeline of one remapping unit (VT-d spec ch. 3 and ch. 6), one request at a time
/// or a batch from one source (<see cref="TranslateBatch"/>). Its steps, in the spec's order, each a
/// method below:
/// <list type="number">
/// <item><see cref="ResolveContext"/>: RTADDR.TTM, then the context cache or root → context entry (§3.4, §6.2.2);</item>
/// <item><see cref="ResolvePasidEntry"/> (scalable mode): the PASID cache or PASID directory → PASID entry (§3.4.3, §6.2.2.1);</item>
/// <item>TranslateInContext: translated and pass-through requests, input-width checks, then per kind of walk;</item>
/// <item><see cref="SecondLevel"/>: the IOTLB (§6.2.3), on a miss <see cref="WalkSecondLevel"/> from the
/// paging-structure cache or SLPTPTR (§3.6, §6.2.4);</item>
/// <item><see cref="FirstLevel"/>: SRE/ERE, the IOTLB tagged (DID, PASID), on a miss the first-level walk with A/D
/// updates (§3.6, spec-notes/first-level.md);</item>
/// <item>the rights and interrupt-range checks at the leaf (<see cref="SecondLevelWalker.CheckLeaf"/>);</item>
/// <item>fills (<see cref="FillSecondLevel"/>) under the epoch/fill rule, then FPD suppression and counting.</item>
/// </list>
/// Without caches (the constructor's default) the same steps read every structure on every request.
/// A hit re-reads nothing, so table edits without invalidation stay invisible exactly as on
/// hardware. What is cached when, caching mode and the threading contract: spec-notes/caching.md.
/// Thread-safe and allocation-free.
/// </summary>
// SAFETY: every local is definitely assigned before use (compiler-checked; the stackalloc'd PASID
// words are written in full before they are read), so skipping the prolog zeroing is safe.
[SkipLocalsInit]
public sealed partial class Translator
{
    private const ulong SladeBit = 1UL << 9;

    private readonly TranslationParameters _parameters;
    private readonly ContextResolver _resolver;
    private readonly SecondLevelWalker _walker;
    private readonly FirstLevelWalker _firstLevelWalker;
    private readonly TranslationCaches _caches;
    private readonly ContextCache _contextCache;
    private readonly PasidCache _pasidCache;
    private readonly Iotlb _iotlb;
    private readonly PagingStructureCache _pagingStructureCache;
    private readonly InvalidationEpoch _epoch;
    private readonly bool _cachingMode;
    private readonly TranslationCounters _counters;

    /// <summary>
    /// A pipeline over <paramref name="memory"/> with <paramref name="caches"/> in front of its steps
    /// (their CM decides negative caching); null: no caches, every request reads every structure.
    /// </summary>
    public Translator(GuestMemory memory, TranslationParameters parameters, TranslationCaches? caches = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _resolver = new ContextResolver(memory, parameters);
        _walker = new SecondLevelWalker(memory, parameters);
        _firstLevelWalker = new FirstLevelWalker(memory, parameters);
        _caches = caches ?? new TranslationCaches(TranslationCacheOptions.None);
        _contextCache = _caches.ContextCache;
        _pasidCache = _caches.PasidCache;
        _iotlb = _caches.Iotlb;
        _pagingStructureCache = _caches.PagingStructureCache;
        _epoch = _caches.Epoch;
        _cachingMode = _caches.Options.CachingMode;
        _counters = _caches.Counters;
    }

    /// <summary>The caches this pipeline looks up and fills.</summary>
    public TranslationCaches Caches => _caches;

    /// <summary>Counter snapshot (translate-path counters plus the caches' lookup counters).</summary>
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
    public void ResetStatistics() => _caches.ResetStatistics();

    /// <summary>Translates <paramref name="request"/> under the latched root pointer <paramref name="root"/>.</summary>
    public TranslationResult Translate(in DmaRequest request, RootPointer root)
    {
        // Observed before any lookup or guest-memory read: fills from this request are dropped if an
        // invalidation began since (epoch/fill rule).
        long epoch = _epoch.Observe();
        ref CounterStripe counts = ref _counters.Current;
        TranslationContext context = ResolveContext(request, root, epoch, ref counts);
        TranslationResult result = IsSecondLevelRun(context) && request.AddressType == AddressType.Untranslated
            ? Finish(SecondLevelInWidth(request.Address, request.Access, context, epoch, ref counts), context, context.TableReads)
            : TranslateInContext(request, request.Address, context, epoch, ref counts);
        counts.Count(result.Fault != FaultReason.None, result.TableReads);
        return result;
    }

    /// <summary>
    /// Translates one request per address of <paramref name="iovas"/> from <paramref name="sourceId"/>
    /// (with <paramref name="pasid"/> when not null), all untranslated with <paramref name="access"/>,
    /// into <paramref name="results"/>: exactly what <see cref="Translate"/> would return for each in
    /// turn, with the same cache lookups, fills and counts (the totals and the repeated context/PASID-cache
    /// hits added once, at the end of the batch). The epoch is observed once; the context is
    /// resolved once and reused while it came from, or went into, the context (and PASID) cache — a
    /// request after it would hit there — and resolved again per request otherwise. Returns how many
    /// results are faults.
    /// </summary>
    internal int TranslateBatch(ushort sourceId, uint? pasid, DmaAccess access, RootPointer root, ReadOnlySpan<ulong> iovas, Span<TranslationResult> results)
    {
        if (iovas.IsEmpty)
        {
            return 0;
        }

        long epoch = _epoch.Observe();
        ref CounterStripe counts = ref _counters.Current;
        var request = new DmaRequest(sourceId, iovas[0], access, AddressType.Untranslated, pasid);
        DmaRequest first = request;
        TranslationContext context = ResolveContext(request, root, epoch, ref counts);
        if (context.Cached && IsSecondLevelRun(context))
        {
            return TranslateSecondLevelRun(first, iovas, context, epoch, ref counts, results);
        }

        int faults = 0;
        long reads = 0;
        int contextRepeats = 0;
        int pasidRepeats = 0;
        for (int i = 0; i < iovas.Length; i++)
        {
            if (i > 0)
            {
                if (context.Cached)
                {
                    // The lookups a repeated resolution would make, all hits; nothing read from memory.
                    contextRepeats++;
                    pasidRepeats += context.PasidLooked ? 1 : 0;
                    context = context with { TableReads = 0 };
                }
                else
                {
                    request = new DmaRequest(sourceId, iovas[i], access, AddressType.Untranslated, pasid);
                    context = ResolveContext(request, root, epoch, ref counts);
                }
            }

            TranslationResult result = TranslateInContext(first, iovas[i], context, epoch, ref counts);
            faults += result.Fault != FaultReason.None ? 1 : 0;
            reads += result.TableReads;
            results[i] = result;
        }

        counts.CountBatch(iovas.Length, contextRepeats, pasidRepeats, faults, reads);
        return faults;
    }

    /// <summary>
    /// The batch whose context came from (or went into) the context cache and walks the second level: the first
    /// request exactly as <see cref="TranslateInContext(in DmaRequest, ulong, in TranslationContext, long, ref CounterStripe)"/>,
    /// the rest straight to step 4 under the same context (nothing left to check per request but the input width),
    /// with their repeated context/PASID-cache hits and their totals counted once at the end.
    /// </summary>
    private int TranslateSecondLevelRun(in DmaRequest first, ReadOnlySpan<ulong> iovas, in TranslationContext context, long epoch, ref CounterStripe counts, Span<TranslationResult> results)
    {
        TranslationResult head = TranslateInContext(first, iovas[0], context, epoch, ref counts);
        results[0] = head;
        int faults = head.Fault != FaultReason.None ? 1 : 0;
        long reads = head.TableReads;
        DmaAccess access = first.Access;
        for (int i = 1; i < iovas.Length; i++)
        {
            // Nothing of the context is read again: its table reads were the first request's.
            TranslationResult result = Finish(SecondLevelInWidth(iovas[i], access, context, epoch, ref counts), context, contextReads: 0);
            faults += result.Fault != FaultReason.None ? 1 : 0;
            reads += result.TableReads;
            results[i] = result;
        }

        int repeats = iovas.Length - 1;
        counts.CountBatch(iovas.Length, repeats, context.PasidLooked ? repeats : 0, faults, reads);
        return faults;
    }

    /// <summary>
    /// A usable second-level context: an untranslated request in it goes straight to step 4 (nothing
    /// of step 3 applies but the input width). The common case, kept out of the general step 3.
    /// </summary>
    private static bool IsSecondLevelRun(in TranslationContext context) =>
        context is { Aborted: false, Fault: FaultReason.None, Kind: TranslationKind.SecondLevel };

    /// <summary>Steps 3-6 alone, for a context resolved elsewhere (tests drive the walk with hand-made contexts).</summary>
    internal TranslationResult TranslateInContext(in DmaRequest request, in TranslationContext context) =>
        TranslateInContext(request, request.Address, context, _epoch.Observe(), ref _counters.Current);

    // ---- Step 1: context (RTADDR.TTM, context cache, root and context entries) -----------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TranslationContext ResolveContext(in DmaRequest request, RootPointer root, long epoch, ref CounterStripe counts) =>
        root.Mode == TranslationTableMode.Legacy && !request.HasPasid
            ? ResolveLegacyContext(request, root.Address, epoch, ref counts)
            : ResolveOtherContext(request, root, epoch, ref counts);

    // Everything but a legacy-mode request without PASID (the common case, kept inline above).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationContext ResolveOtherContext(in DmaRequest request, RootPointer root, long epoch, ref CounterStripe counts)
    {
        switch (root.Mode)
        {
            case TranslationTableMode.Legacy:
                return new TranslationContext { Fault = FaultReason.PasidRequestInLegacyMode };
            case TranslationTableMode.Scalable when _parameters.ExtendedCapability.SMTS:
                return ResolveScalableContext(request, root.Address, epoch, ref counts);
            case TranslationTableMode.AbortDma when _parameters.ExtendedCapability.ADMS:
                return new TranslationContext { Aborted = true, Cached = true };
            default:
                return new TranslationContext { Fault = FaultReason.InvalidTranslationTableMode };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TranslationContext ResolveLegacyContext(in DmaRequest request, ulong rootTable, long epoch, ref CounterStripe counts)
    {
        bool hit = _contextCache.Find(request.SourceId, out ContextSummary cached);
        counts.ContextLookup(hit);
        return hit && !cached.IsScalable
            ? LegacyContextFromCache(cached, request)
            : ReadLegacyContext(request, rootTable, epoch);
    }

    private static TranslationContext LegacyContextFromCache(in ContextSummary cached, in DmaRequest request)
    {
        if (cached.Fault != FaultReason.None)
        {
            return new TranslationContext { Fault = cached.Fault, Fpd = cached.Fpd, Cached = true };
        }

        return ContextResolver.LegacyContext(
            (TranslationType)cached.TranslationType, FaultReason.None, cached.Fpd, cached.Did, cached.TablePointer, cached.AddressWidth,
            request.AddressType, reads: 0, cached: true);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationContext ReadLegacyContext(in DmaRequest request, ulong rootTable, long epoch)
    {
        ushort sourceId = request.SourceId;
        FaultReason fault = _resolver.ReadContextEntry(request, rootTable, out ContextEntry entry, out int reads);
        if (fault != FaultReason.None)
        {
            // Root-entry faults and unreadable entries are not context entries: never cached.
            return new TranslationContext { Fault = fault, TableReads = reads };
        }

        FaultReason entryFault = ContextResolver.CheckContextEntry(entry, _parameters);
        bool filled = false;
        if (entryFault == FaultReason.None || _cachingMode)
        {
            Span<ulong> words = [entry.Low, entry.High];
            var fill = new ContextCacheEntry(
                sourceId, entryFault == FaultReason.None ? entry.DID : (ushort)0, words, entryFault,
                (byte)entry.TT, (byte)entry.AW, entry.SLPTPTR, entry.FPD);
            filled = _contextCache.Fill(fill, _epoch, epoch);
        }

        return ContextResolver.LegacyContext(entry, entryFault, request, reads, filled);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationContext ResolveScalableContext(in DmaRequest request, ulong rootTable, long epoch, ref CounterStripe counts)
    {
        ushort sourceId = request.SourceId;
        ScalableContextEntry context;
        int reads = 0;
        bool hit = _contextCache.TryLookupEntry(sourceId, out ContextCacheEntry cached);
        counts.ContextLookup(hit);
        bool contextCached = hit && cached.IsScalable;
        if (contextCached)
        {
            if (cached.IsNegative)
            {
                return new TranslationContext { Fault = cached.Fault, Scalable = true, Fpd = cached.Fpd, Cached = true };
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
                var fill = new ContextCacheEntry(sourceId, 0, words, entryFault, tablePointer: context.PASIDDIRPTR, fpd: context.FPD);
                contextCached = _contextCache.Fill(fill, _epoch, epoch);
            }

            if (entryFault != FaultReason.None)
            {
                return new TranslationContext { Fault = entryFault, Scalable = true, Fpd = context.FPD, TableReads = reads, Cached = contextCached };
            }
        }

        FaultReason fault = ContextResolver.CheckScalableRequest(context, request, _parameters, out uint pasid);
        if (fault != FaultReason.None)
        {
            return new TranslationContext { Fault = fault, Scalable = true, Fpd = context.FPD, TableReads = reads, Cached = contextCached };
        }

        TranslationContext resolved = ResolvePasidEntry(request.SourceId, pasid, context, epoch, ref counts);
        return resolved with { TableReads = reads + resolved.TableReads, Cached = contextCached && resolved.Cached, PasidLooked = true };
    }

    // ---- Step 2: PASID entry (scalable mode; PASID cache, PASID directory and table) -----------

    private TranslationContext ResolvePasidEntry(ushort sourceId, uint pasid, in ScalableContextEntry context, long epoch, ref CounterStripe counts)
    {
        bool hit = _pasidCache.TryLookupEntry(sourceId, pasid, out PasidCacheEntry cached);
        counts.PasidLookup(hit);
        if (hit)
        {
            return PasidContextFromCache(cached, context.FPD, pasid);
        }

        FaultReason fault = _resolver.ReadPasidEntry(context, pasid, out PasidEntry pasidEntry, out bool directoryFpd, out int reads);
        bool fpd = context.FPD | directoryFpd;
        if (fault != FaultReason.None)
        {
            // PASID-directory entries are not cached, nor are unreadable entries.
            return new TranslationContext { Fault = fault, Scalable = true, Fpd = fpd, TableReads = reads };
        }

        FaultReason pasidFault = ContextResolver.CheckPasidEntry(pasidEntry, _parameters);
        bool filled = false;
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
            filled = _pasidCache.Fill(fill, _epoch, epoch);
        }

        return ContextResolver.PasidContext(pasidEntry, pasidFault, fpd, reads, pasid) with { Cached = filled };
    }

    private static TranslationContext PasidContextFromCache(in PasidCacheEntry cached, bool contextFpd, uint pasid)
    {
        bool fpd = contextFpd | cached.Fpd;
        if (cached.IsNegative)
        {
            return new TranslationContext { Fault = cached.Fault, Scalable = true, Fpd = fpd, Cached = true };
        }

        var pgtt = (PasidGranularTranslationType)cached.PasidGranularTranslationType;
        if (pgtt is PasidGranularTranslationType.FirstLevel or PasidGranularTranslationType.Nested)
        {
            // First-level and nested contexts need FLPTPTR, FLPM, SRE, ERE and WPE: rebuilt from the cached words.
            Span<ulong> words = stackalloc ulong[PasidEntry.WordCount];
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = cached.Word(i);
            }

            return ContextResolver.PasidContext(new PasidEntry(words), FaultReason.None, fpd, 0, pasid) with { Cached = true };
        }

        bool passThrough = pgtt == PasidGranularTranslationType.PassThrough;
        return new TranslationContext
        {
            Scalable = true,
            Fpd = fpd,
            Cached = true,
            Did = cached.Did,
            Kind = passThrough ? TranslationKind.PassThrough : TranslationKind.SecondLevel,
            SecondLevelRoot = passThrough ? 0 : cached.TablePointer,
            Levels = passThrough ? 0 : TranslationParameters.LevelsForAw(cached.AddressWidth),
            Slade = !passThrough && (cached.Word(0) & SladeBit) != 0,
        };
    }

    // ---- Step 3: the request in its context ------------------------------------------------------

    /// <summary>
    /// The address in its resolved context: the context's fault, translated and pass-through
    /// requests (not looked up in the IOTLB: their output is the input, nothing can go stale),
    /// the input-width check, then the walk for the context's kind. DID, table reads and FPD
    /// suppression are set on the result here.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult TranslateInContext(in DmaRequest request, ulong address, in TranslationContext context, long epoch, ref CounterStripe counts)
    {
        DmaAccess access = request.Access;
        AddressType addressType = request.AddressType;
        TranslationResult result;
        if (context.Aborted)
        {
            return TranslationResult.AbortedByMode;
        }

        if (context.Fault != FaultReason.None)
        {
            result = TranslationResult.Faulted(context.Fault, 0);
        }
        else if (addressType == AddressType.Translated)
        {
            // Allowed by the context (TT=01b / DTE=1): the address is already host physical.
            result = address >> _parameters.Haw != 0 ? TranslationResult.Faulted(AddressBeyondHardware(context.Scalable), 0) : Identity(address);
        }
        else
        {
            switch (context.Kind)
            {
                case TranslationKind.SecondLevel:
                    result = SecondLevelInWidth(address, access, context, epoch, ref counts);
                    break;
                case TranslationKind.PassThrough:
                    result = PassThrough(address, context.Scalable);
                    break;
                default:
                    // First-level and nested (spec-notes/first-level.md, nested.md).
                    result = FirstLevel(request, address, context, epoch, ref counts);
                    break;
            }
        }

        return Finish(result, context, context.TableReads);
    }

    /// <summary>A result of steps 3-6 completed with the context's DID, its table reads and FPD suppression.</summary>
    private static TranslationResult Finish(in TranslationResult result, in TranslationContext context, int contextReads) =>
        result.InContext(context.Did, contextReads, result.Fault != FaultReason.None && context.Fpd && result.Fault.IsQualified());

    /// <summary>Step 4 behind the input-width check of the context's table depth (§3.6).</summary>
    private TranslationResult SecondLevelInWidth(ulong address, DmaAccess access, in TranslationContext context, long epoch, ref CounterStripe counts) =>
        address >> _parameters.InputWidth(context.Levels) == 0
            ? SecondLevel(address, access, context, epoch, ref counts)
            : TranslationResult.Faulted(context.Scalable ? FaultReason.ScalableAddressBeyondWidth : FaultReason.AddressBeyondWidth, 0);

    private TranslationResult PassThrough(ulong address, bool scalable) =>
        address >> _parameters.Haw != 0 ? TranslationResult.Faulted(AddressBeyondHardware(scalable), 0)
        : SecondLevelWalker.IsInterruptRange(address)
            ? TranslationResult.Faulted(scalable ? FaultReason.ScalableOutputInInterruptRange : FaultReason.OutputInInterruptRange, 0)
        : Identity(address);

    private static FaultReason AddressBeyondHardware(bool scalable) => scalable ? FaultReason.ScalableAddressBeyondHardware : FaultReason.AddressBeyondWidth;

    private static TranslationResult Identity(ulong address) =>
        TranslationResult.Translated(address, PageGeometry.PageShift, (ulong)DmaAccess.ReadWrite, 0);

    // ---- Step 4: second level — IOTLB, then the walk --------------------------------------------

    private TranslationResult SecondLevel(ulong address, DmaAccess access, in TranslationContext context, long epoch, ref CounterStripe counts)
    {
        bool hit = _iotlb.Find(context.Did, 0, TranslationKind.SecondLevel, address, out ulong data, out int pageShift);
        counts.IotlbLookup(hit);
        if (hit)
        {
            // Step 5 on a hit: the request's rights and the interrupt range against the cached leaf.
            FaultReason cachedFault = Iotlb.DataFault(data);
            if (cachedFault != FaultReason.None)
            {
                return TranslationResult.Faulted(NegativeFault(cachedFault, context.Scalable, access), 0);
            }

            // With SLADE the entry holds W only once the leaf's D was set: a write to a clean page walks to set D.
            if (((ulong)access & ~data & (ulong)DmaAccess.ReadWrite) == 0 || !context.Slade)
            {
                return SecondLevelWalker.CheckLeaf(address, access, context.Scalable, data & PageGeometry.EntryAddressMask, data & (ulong)DmaAccess.ReadWrite, pageShift, 0);
            }
        }

        counts.Walked();
        return WalkSecondLevel(address, access, context, epoch);
    }

    // The IOTLB-miss path, out of line so the hit path's frame holds no walk buffer.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult WalkSecondLevel(ulong address, DmaAccess access, in TranslationContext context, long epoch)
    {
        ushort did = context.Did;
        int levels = context.Levels;
        WalkStart start = _pagingStructureCache.TryLookup(did, address, levels, out PagingStructureEntry cachedTable)
            ? new WalkStart(cachedTable.TableAddress, cachedTable.Level - 1, levels, (DmaAccess)cachedTable.Rights)
            : WalkStart.FromRoot(context.SecondLevelRoot, levels);
        WalkPath path = default;
        WalkOutcome outcome = _walker.WalkCore(address, start, ref path);
        if (context.Slade)
        {
            return CompleteWithAccessedDirty(address, access, did, start, outcome, ref path, epoch);
        }

        lock (_caches.WriterLock)
        {
            if (_epoch.IsCurrent(epoch))
            {
                FillSecondLevel(did, address, start.Level, outcome, ref path, context.Scalable);
            }
        }

        // Step 5 after a walk: the fault for where it stopped, or the request checked at the leaf.
        return SecondLevelWalker.Complete(address, access, context.Scalable, outcome);
    }

    // ---- Step 4': first level — SRE/ERE, the IOTLB tagged (DID, PASID), then the walk ---------

    /// <summary>
    /// A first-level context: SPT.5 / SPT.6 for execute and supervisor requests the PASID entry does not
    /// enable; the IOTLB answers user-mode non-execute requests whose rights it holds (W only once the
    /// leaf's D was set, so a write to a clean page walks to set D); everything else walks, and the walk's
    /// leaf fills the IOTLB. First-level not-present entries are never cached (spec-notes/first-level.md).
    /// </summary>
    private TranslationResult FirstLevel(in DmaRequest request, ulong address, in TranslationContext context, long epoch, ref CounterStripe counts)
    {
        if (request.Execute && !context.Ere)
        {
            return TranslationResult.Faulted(FaultReason.ExecuteRequestDisabled, 0);
        }

        if (request.Privileged && !context.Sre)
        {
            return TranslationResult.Faulted(FaultReason.SupervisorRequestDisabled, 0);
        }

        DmaAccess access = request.Access;
        if (!request.Privileged && !request.Execute)
        {
            bool hit = _iotlb.Find(context.Did, context.Pasid, context.Kind, address, out ulong data, out int pageShift);
            counts.IotlbLookup(hit);
            if (hit && ((ulong)access & ~data & (ulong)DmaAccess.ReadWrite) == 0)
            {
                return SecondLevelWalker.CheckLeaf(address, access, scalable: true, data & PageGeometry.EntryAddressMask, data & (ulong)DmaAccess.ReadWrite, pageShift, 0);
            }
        }

        counts.Walked();
        return WalkFirstLevel(request, address, context, epoch);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TranslationResult WalkFirstLevel(in DmaRequest request, ulong address, in TranslationContext context, long epoch)
    {
        var walkRequest = new DmaRequest(request.SourceId, address, request.Access, request.AddressType, context.Pasid, request.Privileged, request.Execute);
        TranslationResult result;
        FirstLevelLeaf leaf;
        if (context.Kind == TranslationKind.Nested)
        {
            // Nested walks start at the root: their table addresses are guest-physical, and caching the
            // first-level structures of a nested walk is not modelled (spec-notes/first-level.md §6).
            var nested = new NestedTableAccess(_walker, context, _parameters.InputWidth(context.SecondLevelLevels));
            result = _firstLevelWalker.Walk(walkRequest, FirstLevelStart.FromRoot(context.FirstLevelRoot, context.Levels), context.Levels, context.Wpe, ref nested, [], out leaf);
            result = result with { TableReads = result.TableReads + nested.Reads };
        }
        else
        {
            result = WalkFirstLevelCached(walkRequest, address, context, epoch, out leaf);
        }

        if (result.Fault == FaultReason.None && leaf.Cacheable)
        {
            // Nested: the combined translation (first-level input page → host page, the smaller page of the two
            // levels), tagged (DID, PASID, nested) so that either level's invalidation removes it (nested.md §4).
            DmaAccess rights = (leaf.Read ? DmaAccess.Read : DmaAccess.None) | (leaf.Write ? DmaAccess.Write : DmaAccess.None);
            _iotlb.Fill(
                new IotlbEntry(context.Did, context.Pasid, context.Kind, address, (PageSize)(PageGeometry.LevelOf(leaf.PageShift) - 1), leaf.Page, rights),
                _epoch, epoch);
        }

        return result;
    }

    // A first-level-only walk from the deepest cached paging-structure entry of (DID, PASID), if any; after a
    // successful walk (when every entry walked has A set) each non-leaf entry walked is cached as the walker
    // left it: the next table with the rights accumulated down to it. A faulting walk caches nothing (spec-notes/first-level.md §6).
    private TranslationResult WalkFirstLevelCached(in DmaRequest request, ulong address, in TranslationContext context, long epoch, out FirstLevelLeaf leaf)
    {
        FirstLevelStart start = _pagingStructureCache.TryLookupFirstLevel(context.Did, context.Pasid, address, context.Levels, out int level, out ulong data)
            ? FirstLevelStart.Below(level, data)
            : FirstLevelStart.FromRoot(context.FirstLevelRoot, context.Levels);
        Span<ulong> nonLeaf = stackalloc ulong[PagingStructureEntry.MaxLevel + 1];
        nonLeaf.Clear();
        var direct = default(DirectTableAccess);
        TranslationResult result = _firstLevelWalker.Walk(request, start, context.Levels, context.Wpe, ref direct, nonLeaf, out leaf);
        if (result.Fault != FaultReason.None)
        {
            return result;
        }

        for (int walked = start.Level; walked >= PagingStructureEntry.MinLevel && nonLeaf[walked] != 0; walked--)
        {
            _pagingStructureCache.FillFirstLevel(context.Did, context.Pasid, walked, address, nonLeaf[walked], _epoch, epoch);
        }

        return result;
    }

    // ---- Step 6: fills ---------------------------------------------------------------------------
    // The second-level fills below run with the caches' writer lock held and the epoch checked by the caller:
    // one acquisition and one check per walk, not per cache (TranslationCaches.WriterLock).

    private void FillSecondLevel(ushort did, ulong address, int startLevel, in WalkOutcome outcome, ref WalkPath path, bool scalable)
    {
        // Every non-leaf entry the walk validated (present, no reserved bits) may be cached, whatever
        // happened below it.
        FillPagingStructures(did, address, startLevel, outcome.Level, ref path);
        if (outcome.Status == WalkStatus.Leaf)
        {
            // A present, valid leaf is cached even when this request lacks its rights or its output
            // is in the interrupt range: those are checks of the request against the entry.
            FillLeaf(did, address, outcome.Level, outcome.Entry, outcome.Rights);
        }
        else
        {
            FillNegative(did, address, outcome, scalable);
        }
    }

    private void FillPagingStructures(ushort did, ulong address, int startLevel, int stopLevel, ref WalkPath path)
    {
        for (int level = startLevel; level > stopLevel && level >= PagingStructureEntry.MinLevel; level--)
        {
            ulong next = path[level];
            _pagingStructureCache.FillHeld(new PagingStructureEntry(did, level, address, next & PageGeometry.PageMask, (DmaAccess)(next & (ulong)DmaAccess.ReadWrite)));
        }
    }

    private void FillLeaf(ushort did, ulong address, int level, ulong entry, ulong rights) =>
        _iotlb.FillHeld(
            new IotlbEntry(did, 0, TranslationKind.SecondLevel, address, (PageSize)(level - 1), entry & PageGeometry.EntryAddressMask, (DmaAccess)rights));

    private void FillNegative(ushort did, ulong address, in WalkOutcome outcome, bool scalable)
    {
        switch (outcome.Status)
        {
            case WalkStatus.NotPresent or WalkStatus.Reserved when _cachingMode:
                // CM=1: the not-present or erroneous entry is cached as a negative IOTLB entry covering
                // the region that entry maps, at most 1 GiB (the largest IOTLB page).
                FaultReason fault = outcome.Status == WalkStatus.NotPresent
                    ? FaultReason.SecondLevelEntryNotPresent
                    : scalable ? FaultReason.SecondLevelEntryReserved : FaultReason.PagingEntryReserved;
                var size = (PageSize)(Math.Min(outcome.Level, 3) - 1);
                _iotlb.FillHeld(new IotlbEntry(did, 0, TranslationKind.SecondLevel, address, size, 0, DmaAccess.None, fault));
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
