using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Translation;

/// <summary>
/// The DMA side of a unit (VT-d spec ch. 3, ch. 6 and §7.1): a request is untranslated while
/// GSTS.TES is clear, otherwise translated through the unit's caches under the root pointer latched
/// by the last SRTP; a blocked request that is neither FPD-suppressed nor aborted is logged by the
/// <see cref="FaultRecorder"/> — also when its fault came from a cached negative entry. Thread-safe:
/// translation takes no lock; only fault recording takes the unit's state lock.
/// </summary>
internal sealed class DmaPath
{
    private readonly GlobalCommandEngine _commands;
    private readonly FaultRecorder _faults;
    private readonly Lock _stateLock;

    public DmaPath(
        GuestMemory memory, UnitConfiguration configuration, TranslationCaches caches, GlobalCommandEngine commands, FaultRecorder faults, Lock stateLock)
    {
        Translator = new CachedTranslator(
            memory, new TranslationParameters(configuration.Capability, configuration.ExtendedCapability, configuration.HostAddressWidth), caches);
        _commands = commands;
        _faults = faults;
        _stateLock = stateLock;
    }

    /// <summary>The translate path for this unit's capabilities, through the unit's caches.</summary>
    public CachedTranslator Translator { get; }

    /// <summary>Translates one DMA request and records its fault when the spec says it is recorded. Allocates nothing.</summary>
    public TranslationResult Translate(in DmaRequest request)
    {
        if (!_commands.TranslationEnabled)
        {
            // TES=0: requests pass untranslated (spec §10.4.4 GSTS.TES). Protected memory regions are
            // not enforced (spec-notes/translation.md: the presets do not report PLMR/PHMR).
            return new TranslationResult { OutputAddress = request.Address, PageShift = 12, Read = true, Write = true };
        }

        TranslationResult result = Translator.Translate(request, new RootPointer(_commands.RootTableAddress, (int)_commands.RootTableMode));
        if (result.ShouldRecord && !result.Aborted)
        {
            Record(request, result.Fault);
        }

        return result;
    }

    private void Record(in DmaRequest request, FaultReason reason)
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
            _faults.Record(record);
        }
    }
}
