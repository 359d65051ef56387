using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// The global command handshake (VT-d spec §11.4.4–§11.4.5): owns GCMD, GSTS, PMEN and the pointers a
/// command latches (RTADDR at SRTP, IRTA at SIRTP, AFLOG at SFL). Every GCMD write is processed bit by
/// bit against the current GSTS and completes before the write returns; components that depend on a
/// transition (queued invalidation on QIES, implicit invalidation on SRTP) subscribe to
/// <see cref="Completed"/>. Not thread-safe: the unit calls it under its state lock; the status and
/// latched values are read lock-free by the DMA path.
/// </summary>
internal sealed class GlobalCommandEngine
{
    private readonly RegisterFile _registers;
    private readonly CapabilityRegister _cap;
    private readonly ExtendedCapabilityRegister _ecap;
    private ulong _latchedRootTable;
    private ulong _latchedInterruptTable;
    private ulong _latchedFaultLog;

    public GlobalCommandEngine(RegisterFile registers, RegisterDispatch dispatch, UnitConfiguration configuration)
    {
        _registers = registers;
        _cap = configuration.Capability;
        _ecap = configuration.ExtendedCapability;
        dispatch.On(VtdRegister.GCMD, () => Process((GlobalCommand)_registers.Get32((int)VtdRegister.GCMD)));
        dispatch.On(VtdRegister.PMEN, UpdateProtectedMemoryStatus);
    }

    /// <summary>Raised after every GCMD write, once GSTS holds the result, in subscription order.</summary>
    public event Action<GlobalCommandOutcome>? Completed;

    /// <summary>GSTS as the model last set it.</summary>
    public GlobalStatus Status => (GlobalStatus)_registers.Get32((int)VtdRegister.GSTS);

    /// <summary>GSTS.TES: DMA remapping is enabled.</summary>
    public bool TranslationEnabled => (Status & GlobalStatus.TES) != 0;

    /// <summary>Root table address latched by the last SRTP (RTADDR bits 63:12).</summary>
    public ulong RootTableAddress => Volatile.Read(ref _latchedRootTable) & Bits.Range(63, 12);

    /// <summary>Translation table mode latched by the last SRTP (RTADDR.TTM).</summary>
    public TranslationTableMode RootTableMode => (TranslationTableMode)Bits.Get(Volatile.Read(ref _latchedRootTable), 11, 10);

    /// <summary>IRTA value latched by the last SIRTP (address 63:12, EIME 11, S 3:0).</summary>
    public ulong InterruptRemapTable => _latchedInterruptTable;

    /// <summary>AFLOG value latched by the last SFL (AFL only).</summary>
    public ulong FaultLog => _latchedFaultLog;

    /// <summary>Forgets the latched pointers (the registers themselves are reset by the register file).</summary>
    public void Reset()
    {
        _latchedRootTable = 0;
        _latchedInterruptTable = 0;
        _latchedFaultLog = 0;
    }

    private void Process(GlobalCommand command)
    {
        GlobalStatus before = Status;
        GlobalStatus status = before;

        // One-shot commands first (pointer latches), then the enables, so a write that sets SRTP and
        // TE together enables translation with the new root table (the order is a model choice).
        if ((command & GlobalCommand.SRTP) != 0)
        {
            Volatile.Write(ref _latchedRootTable, _registers.Get64((int)VtdRegister.RTADDR));
            status |= GlobalStatus.RTPS;
        }

        if ((command & GlobalCommand.SFL) != 0 && _cap.AFL)
        {
            _latchedFaultLog = _registers.Get64((int)VtdRegister.AFLOG);
            status |= GlobalStatus.FLS;
        }

        // WBF (RWBF only): the flush completes before the write returns, so WBFS (1 = in progress) stays 0.
        if ((command & GlobalCommand.SIRTP) != 0 && _ecap.IR)
        {
            _latchedInterruptTable = _registers.Get64((int)VtdRegister.IRTA);
            status |= GlobalStatus.IRTPS;
        }

        status = Follow(status, command, GlobalCommand.TE, GlobalStatus.TES, supported: true);
        status = Follow(status, command, GlobalCommand.EAFL, GlobalStatus.AFLS, _cap.AFL);
        status = Follow(status, command, GlobalCommand.QIE, GlobalStatus.QIES, _ecap.QI);
        status = Follow(status, command, GlobalCommand.IRE, GlobalStatus.IRES, _ecap.IR);
        status = Follow(status, command, GlobalCommand.CFI, GlobalStatus.CFIS, _ecap.IR);
        _registers.Set32((int)VtdRegister.GSTS, (uint)status);
        Completed?.Invoke(new GlobalCommandOutcome(command, before, status));
    }

    // PMEN.PRS (bit 0) reflects EPM (bit 31) once the change is in effect: immediately here.
    private void UpdateProtectedMemoryStatus()
    {
        uint pmen = _registers.Get32((int)VtdRegister.PMEN);
        _registers.Set32((int)VtdRegister.PMEN, (pmen & ~1u) | (pmen >> 31));
    }

    // An enable bit: the status follows the command bit when the capability exists; else it stays 0.
    private static GlobalStatus Follow(GlobalStatus status, GlobalCommand command, GlobalCommand bit, GlobalStatus statusBit, bool supported)
    {
        if (!supported)
        {
            return status & ~statusBit;
        }

        return (command & bit) != 0 ? status | statusBit : status & ~statusBit;
    }
}
