using VtdEmu.Faults;
using VtdEmu.Translation;

namespace VtdEmu;

/// <summary>
/// The DMA side of the unit (VT-d spec ch. 3, ch. 6 and §7.1): a request is untranslated while
/// GSTS.TES is clear, otherwise translated through the unit's caches under the root pointer latched
/// by the last SRTP; a blocked request that is neither FPD-suppressed nor aborted is logged in the
/// fault recording registers — also when its fault came from a cached negative entry.
/// </summary>
public sealed partial class RemappingUnit
{
    private CachedTranslator? _translator;

    /// <summary>The translate path for this unit's capabilities, through <see cref="Caches"/>.</summary>
    internal CachedTranslator Translator => Volatile.Read(ref _translator) ?? CreateTranslator();

    /// <summary>Translate-path counters: translations, cache hits and misses, walks, guest-memory table reads, faults.</summary>
    public TranslationStatistics Statistics => Translator.Statistics;

    /// <summary>Zeroes <see cref="Statistics"/> and every cache's counters; cached entries stay.</summary>
    public void ResetStatistics() => Translator.ResetStatistics();

    /// <summary>
    /// Translates one DMA request as the hardware would at this moment, recording its fault when the
    /// spec says it is recorded. Thread-safe: devices may call it concurrently with each other and with
    /// MMIO accesses. Allocates nothing.
    /// </summary>
    public TranslationResult Translate(in DmaRequest request)
    {
        if (!TranslationEnabled)
        {
            // TES=0: requests pass untranslated (spec §10.4.4 GSTS.TES). Protected memory regions are
            // not enforced (spec-notes/translation.md: the presets do not report PLMR/PHMR).
            return new TranslationResult { OutputAddress = request.Address, PageShift = 12, Read = true, Write = true };
        }

        TranslationResult result = Translator.Translate(request, new RootPointer(RootTableAddress, (int)RootTableMode));
        if (result.ShouldRecord && !result.Aborted)
        {
            RecordDmaFault(request, result.Fault);
        }

        return result;
    }

    private CachedTranslator CreateTranslator()
    {
        // Built on first use; racing first users agree on one instance so no counts are lost.
        var created = new CachedTranslator(Memory, new TranslationParameters(Capability, ExtendedCapability, HostAddressWidth), Caches);
        return Interlocked.CompareExchange(ref _translator, created, null) ?? created;
    }

    private void RecordDmaFault(in DmaRequest request, FaultReason reason)
    {
        FaultRequestType type = request.Access switch
        {
            DmaAccess.ReadWrite => FaultRequestType.AtomicOp,
            DmaAccess.Write => FaultRequestType.Write,
            _ => FaultRequestType.Read,
        };
        var record = new FaultRecord(
            request.SourceId,
            request.Address,
            reason,
            type,
            request.HasPasid,
            request.Pasid,
            (FaultAddressType)request.AddressType,
            request.Execute,
            request.Privileged);
        lock (_stateLock)
        {
            RecordFault(record);
        }
    }
}
