using VtdEmu.Caches;
using VtdEmu.Faults;
using VtdEmu.Memory;
using VtdEmu.Registers;

namespace VtdEmu.Translation;

/// <summary>
/// The DMA side of a unit (VT-d spec ch. 3, ch. 6 and §7.1): a request is untranslated while
/// GSTS.TES is clear, otherwise translated by the <see cref="Translator"/> pipeline under the root
/// pointer latched by the last SRTP; a blocked request that is neither FPD-suppressed nor aborted is
/// logged by the <see cref="FaultRecorder"/> — also when its fault came from a cached negative entry.
/// Two front doors onto the one pipeline: single requests and batches from one source
/// (<see cref="DmaPort"/>). Thread-safe: translation takes no lock; only fault recording takes the
/// unit's state lock.
/// </summary>
internal sealed class DmaPath
{
    private readonly GlobalCommandEngine _commands;
    private readonly FaultRecorder _faults;
    private readonly Lock _stateLock;

    // What the DMA side needs of the register state (TES, the latched root pointer), re-latched as
    // one immutable object after every GCMD and reset, so a request reads it with one load instead
    // of decoding GSTS and RTADDR (spec-notes/caching.md, "Latched state").
    private DmaState _state = DmaState.Disabled;

    public DmaPath(
        GuestMemory memory, UnitConfiguration configuration, TranslationCaches caches, GlobalCommandEngine commands, FaultRecorder faults, Lock stateLock)
    {
        Translator = new Translator(
            memory, new TranslationParameters(configuration.Capability, configuration.ExtendedCapability, configuration.HostAddressWidth), caches);
        _commands = commands;
        _faults = faults;
        _stateLock = stateLock;
        commands.Completed += _ => Relatch();
    }

    /// <summary>The translate pipeline for this unit's capabilities, through the unit's caches.</summary>
    public Translator Translator { get; }

    /// <summary>Re-reads TES and the latched root pointer; the unit calls it (under its state lock) after a reset.</summary>
    public void Relatch() => Volatile.Write(
        ref _state,
        _commands.TranslationEnabled ? new DmaState(new RootPointer(_commands.RootTableAddress, _commands.RootTableMode)) : DmaState.Disabled);

    /// <summary>Translates one DMA request and records its fault when the spec says it is recorded. Allocates nothing.</summary>
    public TranslationResult Translate(in DmaRequest request)
    {
        DmaState state = Volatile.Read(ref _state);
        if (!state.Enabled)
        {
            return Untranslated(request.Address);
        }

        TranslationResult result = Translator.Translate(request, state.Root);
        if (result.ShouldRecord && !result.Aborted)
        {
            Record(request, result.Fault);
        }

        return result;
    }

    /// <summary>
    /// A batch from <paramref name="sourceId"/> (<see cref="DmaPort"/>): the results <see cref="Translate"/>
    /// would give each address in turn, faults recorded likewise. Returns how many results are faults.
    /// </summary>
    public int TranslateBatch(ushort sourceId, uint? pasid, ReadOnlySpan<ulong> iovas, DmaAccess access, Span<TranslationResult> results)
    {
        if (results.Length < iovas.Length)
        {
            throw new ArgumentException($"{results.Length} result slots for {iovas.Length} addresses.", nameof(results));
        }

        DmaState state = Volatile.Read(ref _state);
        if (!state.Enabled)
        {
            for (int i = 0; i < iovas.Length; i++)
            {
                results[i] = Untranslated(iovas[i]);
            }

            return 0;
        }

        int faults = Translator.TranslateBatch(sourceId, pasid, access, state.Root, iovas, results);
        for (int i = 0; faults > 0 && i < iovas.Length; i++)
        {
            TranslationResult result = results[i];
            if (result.ShouldRecord && !result.Aborted)
            {
                Record(new DmaRequest(sourceId, iovas[i], access, AddressType.Untranslated, pasid), result.Fault);
            }
        }

        return faults;
    }

    // TES=0: requests pass untranslated (spec §10.4.4 GSTS.TES). Protected memory regions are not
    // enforced (spec-notes/translation.md: the presets do not report PLMR/PHMR).
    private static TranslationResult Untranslated(ulong address) =>
        TranslationResult.Translated(address, PageGeometry.PageShift, (ulong)DmaAccess.ReadWrite, 0);

    /// <summary>Records the fault of <paramref name="request"/> (takes the state lock).</summary>
    public void Record(in DmaRequest request, FaultReason reason)
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

    /// <summary>The DMA side's view of the register state: GSTS.TES and the root pointer latched by SRTP. Immutable.</summary>
    private sealed class DmaState(RootPointer root, bool enabled = true)
    {
        public static readonly DmaState Disabled = new(default, enabled: false);

        public bool Enabled { get; } = enabled;

        public RootPointer Root { get; } = root;
    }
}
