using VtdEmu.Internal;
using VtdEmu.Registers;

namespace VtdEmu.Faults;

/// <summary>
/// Primary fault logging (VT-d spec §7.2.1, spec-notes/fault-recording.md §1) and the fault event (§7.4): owns
/// FSTS, the FRCD block at CAP.FRO, IQERCD and the fault event registers (FECTL/FEDATA/FEADDR/
/// FEUADDR). The DMA path hands it translation faults; the invalidation queue reports its errors
/// (IQE, ICE, ITE) here because they share FSTS and the fault event. Choices:
/// spec-notes/fault-recording.md. Not thread-safe: the unit calls it under its state lock.
/// </summary>
internal sealed class FaultRecorder
{
    // FSTS bits whose presence means "an interrupt condition is already pending".
    private const FaultStatus PendingConditions =
        FaultStatus.PFO | FaultStatus.PPF | FaultStatus.AFO | FaultStatus.APF | FaultStatus.IQE | FaultStatus.ICE | FaultStatus.ITE;

    private readonly RegisterFile _registers;
    private readonly EventInterrupt _event;
    private readonly int _firstRecord;
    private readonly int _recordCount;
    private readonly bool _compressSameSource;
    private readonly bool _reportsAddressType;
    private int _nextRecord;

    public FaultRecorder(RegisterFile registers, RegisterDispatch dispatch, UnitConfiguration configuration, IInterruptSink? sink)
    {
        _registers = registers;
        _firstRecord = configuration.Capability.FaultRecordingOffset;
        _recordCount = configuration.Capability.FaultRecordingCount;
        _compressSameSource = configuration.CompressSameSourceFaults;
        _reportsAddressType = configuration.ExtendedCapability.DT;
        _event = new EventInterrupt(
            registers, sink, configuration.ExtendedCapability.EIM, VtdRegister.FECTL, VtdRegister.FEDATA, VtdRegister.FEADDR, VtdRegister.FEUADDR);
        _event.Attach(dispatch);
        dispatch.On(VtdRegister.FSTS, OnStatusWritten);
        for (int i = 0; i < _recordCount; i++)
        {
            dispatch.On(RecordOffset(i) + 8, UpdatePendingFaults);
        }
    }

    /// <summary>Raised after a guest write to FSTS (after the RW1C update): clearing IQE or ITE lets queue fetching resume.</summary>
    public event Action? StatusWritten;

    /// <summary>FSTS as the model last set it.</summary>
    public FaultStatus Status => (FaultStatus)_registers.Get32((int)VtdRegister.FSTS);

    /// <summary>Forgets the next-record index (the registers themselves are reset by the register file).</summary>
    public void Reset() => _nextRecord = 0;

    /// <summary>
    /// Logs one reportable (not FPD-suppressed) primary fault: dropped while PFO is set or (with
    /// compression) while a pending record has the same source-id; overflow (PFO) when the next
    /// record in circular order is still occupied; otherwise the record is written, F last, PPF and
    /// FRI follow, and the fault event rule runs.
    /// </summary>
    public void Record(in FaultRecord record)
    {
        if ((Status & FaultStatus.PFO) != 0)
        {
            return;
        }

        if (_compressSameSource && HasPendingFaultFrom(record.SourceId))
        {
            return;
        }

        int index = _nextRecord;
        int offset = RecordOffset(index);
        if ((_registers.Get64(offset + 8) & FaultRecordingRegister.FaultBit) != 0)
        {
            RaiseCondition(FaultStatus.PFO);
            return;
        }

        var frcd = FaultRecordingRegister.Create(record, _reportsAddressType);
        _registers.Set64(offset, frcd.Low);
        _registers.Set64(offset + 8, frcd.High);
        _registers.Set64(offset + 8, frcd.High | FaultRecordingRegister.FaultBit); // F is set last
        _nextRecord = (index + 1) % _recordCount;

        uint fsts = _registers.Get32((int)VtdRegister.FSTS);
        if ((fsts & (uint)FaultStatus.PPF) == 0)
        {
            // FRI changes only on the PPF 0→1 transition.
            _registers.Set32((int)VtdRegister.FSTS, (uint)Bits.With(fsts, 15, 8, (ulong)index));
        }

        RaiseCondition(FaultStatus.PPF);
    }

    /// <summary>Invalidation queue error: FSTS.IQE, IQERCD.IQEI (kept from the first error while IQE is set), fault event rule.</summary>
    public void ReportInvalidationQueueError(byte iqei) => ReportInvalidationError(FaultStatus.IQE, 3, 0, iqei);

    /// <summary>Device-TLB invalidation time-out: FSTS.ITE, IQERCD.ITESID (captured only while ITE was clear), fault event rule.</summary>
    public void ReportInvalidationTimeout(ushort sourceId) => ReportInvalidationError(FaultStatus.ITE, 47, 32, sourceId);

    /// <summary>Invalidation completion error: FSTS.ICE, IQERCD.ICESID (captured only while ICE was clear), fault event rule.</summary>
    public void ReportInvalidationCompletionError(ushort sourceId) => ReportInvalidationError(FaultStatus.ICE, 63, 48, sourceId);

    private int RecordOffset(int index) => _firstRecord + (FaultRecordingRegister.Size * index);

    private void ReportInvalidationError(FaultStatus condition, int msb, int lsb, ulong value)
    {
        if ((Status & condition) == 0)
        {
            ulong iqercd = _registers.Get64((int)VtdRegister.IQERCD);
            _registers.Set64((int)VtdRegister.IQERCD, Bits.With(iqercd, msb, lsb, value));
        }

        RaiseCondition(condition);
    }

    private bool HasPendingFaultFrom(ushort sourceId)
    {
        for (int i = 0; i < _recordCount; i++)
        {
            var frcd = new FaultRecordingRegister(0, _registers.Get64(RecordOffset(i) + 8));
            if (frcd.F && frcd.SID == sourceId)
            {
                return true;
            }
        }

        return false;
    }

    // Sets status bits; a fault event fires only if no interrupt condition was already pending (spec-notes/fault-recording.md §2).
    private void RaiseCondition(FaultStatus bits)
    {
        uint fsts = _registers.Get32((int)VtdRegister.FSTS);
        bool alreadyPending = (fsts & (uint)PendingConditions) != 0;
        _registers.Set32((int)VtdRegister.FSTS, fsts | (uint)bits);
        if (!alreadyPending)
        {
            _event.Signal();
        }
    }

    private void OnStatusWritten()
    {
        UpdatePendingFaults();
        StatusWritten?.Invoke();
    }

    // After a guest write to FSTS or an FRCD: PPF = OR of every F; when nothing is pending any more, FECTL.IP clears.
    private void UpdatePendingFaults()
    {
        bool anyFault = false;
        for (int i = 0; i < _recordCount && !anyFault; i++)
        {
            anyFault = (_registers.Get64(RecordOffset(i) + 8) & FaultRecordingRegister.FaultBit) != 0;
        }

        uint fsts = _registers.Get32((int)VtdRegister.FSTS);
        fsts = anyFault ? fsts | (uint)FaultStatus.PPF : fsts & ~(uint)FaultStatus.PPF;
        _registers.Set32((int)VtdRegister.FSTS, fsts);
        if ((fsts & (uint)PendingConditions) == 0)
        {
            _event.ClearPending();
        }
    }
}
