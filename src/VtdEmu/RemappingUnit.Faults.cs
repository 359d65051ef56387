using VtdEmu.Faults;
using VtdEmu.Internal;
using VtdEmu.Registers;

namespace VtdEmu;

/// <summary>
/// Primary fault logging (VT-d spec §7.2.1, faults.md §5), the fault event and invalidation
/// completion event interrupts (§7.4, faults.md §6) and the status primitives the queued-invalidation
/// code calls. Choices are in spec-notes/fault-recording.md.
/// </summary>
public sealed partial class RemappingUnit
{
    // FSTS bits whose presence means "an interrupt condition is already pending".
    private const FaultStatus PendingConditions =
        FaultStatus.PFO | FaultStatus.PPF | FaultStatus.AFO | FaultStatus.APF | FaultStatus.IQE | FaultStatus.ICE | FaultStatus.ITE;

    private const ulong FrcdFault = 1UL << 63;

    internal FaultStatus FaultStatusBits => (FaultStatus)_registers.Get32((int)VtdRegister.FSTS);

    /// <summary>
    /// Logs one reportable (not FPD-suppressed) primary fault: dropped while PFO is set or (with
    /// compression) while a pending record has the same source-id; overflow (PFO) when the next
    /// record in circular order is still occupied; otherwise the record is written, F last, PPF and
    /// FRI follow, and the fault event rule runs.
    /// </summary>
    internal void RecordFault(in FaultRecord record)
    {
        if ((FaultStatusBits & FaultStatus.PFO) != 0)
        {
            return;
        }

        if (Configuration.CompressSameSourceFaults && HasPendingFaultFrom(record.SourceId))
        {
            return;
        }

        int index = _nextFaultRecord;
        int offset = Capability.FaultRecordingOffset + (16 * index);
        if ((_registers.Get64(offset + 8) & FrcdFault) != 0)
        {
            RaiseFaultCondition(FaultStatus.PFO);
            return;
        }

        ulong type = (ulong)record.RequestType;
        ulong high = 0;
        high = Bits.With(high, 15, 0, record.SourceId);
        high = Bits.With(high, 28, 28, type & 1);                     // T2 (bit 92)
        high = Bits.With(high, 29, 29, record.Privileged ? 1UL : 0);  // PRIV (bit 93)
        high = Bits.With(high, 30, 30, record.Execute ? 1UL : 0);     // EXE (bit 94)
        high = Bits.With(high, 31, 31, record.PasidPresent ? 1UL : 0); // PP (bit 95)
        high = Bits.With(high, 39, 32, (ulong)record.Reason);         // FR (bits 103:96)
        high = Bits.With(high, 59, 40, record.PasidPresent ? record.Pasid : 0); // PV (bits 123:104)
        high = Bits.With(high, 61, 60, ExtendedCapability.DT ? (ulong)record.AddressType : 0); // AT (reserved without DT)
        high = Bits.With(high, 62, 62, type >> 1);                    // T1 (bit 126)

        _registers.Set64(offset, record.Address & Bits.Range(63, 12));
        _registers.Set64(offset + 8, high);
        _registers.Set64(offset + 8, high | FrcdFault); // F is set last
        _nextFaultRecord = (index + 1) % Capability.FaultRecordingCount;

        uint fsts = _registers.Get32((int)VtdRegister.FSTS);
        if ((fsts & (uint)FaultStatus.PPF) == 0)
        {
            // FRI changes only on the PPF 0→1 transition.
            _registers.Set32((int)VtdRegister.FSTS, (uint)Bits.With(fsts, 15, 8, (ulong)index));
        }

        RaiseFaultCondition(FaultStatus.PPF);
    }

    /// <summary>An inv_wait descriptor with IF = 1 completed: ICS.IWC 0→1 raises the invalidation completion event.</summary>
    internal void SignalInvalidationWaitCompletion()
    {
        uint ics = _registers.Get32((int)VtdRegister.ICS);
        if ((ics & 1) != 0)
        {
            return;
        }

        _registers.Set32((int)VtdRegister.ICS, ics | 1);
        SignalEvent(VtdRegister.IECTL, VtdRegister.IEDATA, VtdRegister.IEADDR, VtdRegister.IEUADDR);
    }

    /// <summary>Invalidation queue error: FSTS.IQE, IQERCD.IQEI (kept from the first error while IQE is set), fault event rule.</summary>
    internal void ReportInvalidationQueueError(byte iqei)
    {
        if ((FaultStatusBits & FaultStatus.IQE) == 0)
        {
            ulong iqercd = _registers.Get64((int)VtdRegister.IQERCD);
            _registers.Set64((int)VtdRegister.IQERCD, Bits.With(iqercd, 3, 0, iqei));
        }

        RaiseFaultCondition(FaultStatus.IQE);
    }

    /// <summary>Device-TLB invalidation time-out: FSTS.ITE, IQERCD.ITESID (captured only while ITE was clear), fault event rule.</summary>
    internal void ReportInvalidationTimeout(ushort sourceId)
    {
        if ((FaultStatusBits & FaultStatus.ITE) == 0)
        {
            ulong iqercd = _registers.Get64((int)VtdRegister.IQERCD);
            _registers.Set64((int)VtdRegister.IQERCD, Bits.With(iqercd, 47, 32, sourceId));
        }

        RaiseFaultCondition(FaultStatus.ITE);
    }

    /// <summary>Invalidation completion error: FSTS.ICE, IQERCD.ICESID (captured only while ICE was clear), fault event rule.</summary>
    internal void ReportInvalidationCompletionError(ushort sourceId)
    {
        if ((FaultStatusBits & FaultStatus.ICE) == 0)
        {
            ulong iqercd = _registers.Get64((int)VtdRegister.IQERCD);
            _registers.Set64((int)VtdRegister.IQERCD, Bits.With(iqercd, 63, 48, sourceId));
        }

        RaiseFaultCondition(FaultStatus.ICE);
    }

    private bool HasPendingFaultFrom(ushort sourceId)
    {
        int first = Capability.FaultRecordingOffset;
        for (int i = 0; i < Capability.FaultRecordingCount; i++)
        {
            ulong high = _registers.Get64(first + (16 * i) + 8);
            if ((high & FrcdFault) != 0 && (high & 0xFFFF) == sourceId)
            {
                return true;
            }
        }

        return false;
    }

    // Sets status bits; a fault event fires only if no interrupt condition was already pending (faults.md §5 step 6).
    private void RaiseFaultCondition(FaultStatus bits)
    {
        uint fsts = _registers.Get32((int)VtdRegister.FSTS);
        bool alreadyPending = (fsts & (uint)PendingConditions) != 0;
        _registers.Set32((int)VtdRegister.FSTS, fsts | (uint)bits);
        if (!alreadyPending)
        {
            SignalEvent(VtdRegister.FECTL, VtdRegister.FEDATA, VtdRegister.FEADDR, VtdRegister.FEUADDR);
        }
    }

    // After a guest write to FSTS or an FRCD: PPF = OR of every F; when nothing is pending any more, FECTL.IP clears.
    private void UpdatePendingFaults()
    {
        int first = Capability.FaultRecordingOffset;
        bool anyFault = false;
        for (int i = 0; i < Capability.FaultRecordingCount && !anyFault; i++)
        {
            anyFault = (_registers.Get64(first + (16 * i) + 8) & FrcdFault) != 0;
        }

        uint fsts = _registers.Get32((int)VtdRegister.FSTS);
        fsts = anyFault ? fsts | (uint)FaultStatus.PPF : fsts & ~(uint)FaultStatus.PPF;
        _registers.Set32((int)VtdRegister.FSTS, fsts);
        if ((fsts & (uint)PendingConditions) == 0)
        {
            ClearPending(VtdRegister.FECTL);
        }
    }

    // After a guest write to ICS: with IWC clear, the invalidation event is serviced and IECTL.IP clears.
    private void ServiceInvalidationEvent()
    {
        if ((_registers.Get32((int)VtdRegister.ICS) & 1) == 0)
        {
            ClearPending(VtdRegister.IECTL);
        }
    }

    private void ClearPending(VtdRegister control) =>
        _registers.Set32((int)control, _registers.Get32((int)control) & ~(uint)EventControl.IP);

    // An interrupt condition: masked ⇒ IP set and held; unmasked ⇒ the MSI goes out now (IP set and cleared at once).
    private void SignalEvent(VtdRegister control, VtdRegister data, VtdRegister address, VtdRegister upperAddress)
    {
        uint ctl = _registers.Get32((int)control);
        if ((ctl & (uint)EventControl.IM) != 0)
        {
            _registers.Set32((int)control, ctl | (uint)EventControl.IP);
            return;
        }

        Deliver(data, address, upperAddress);
    }

    // After a guest write to FECTL/IECTL: IM = 0 with IP = 1 sends the held message and clears IP.
    private void UnmaskEvent(VtdRegister control, VtdRegister data, VtdRegister address, VtdRegister upperAddress)
    {
        uint ctl = _registers.Get32((int)control);
        if ((ctl & (uint)EventControl.IM) == 0 && (ctl & (uint)EventControl.IP) != 0)
        {
            _registers.Set32((int)control, ctl & ~(uint)EventControl.IP);
            Deliver(data, address, upperAddress);
        }
    }

    // The upper address register takes part only with ECAP.EIM (it is RsvdZ otherwise).
    private void Deliver(VtdRegister data, VtdRegister address, VtdRegister upperAddress)
    {
        ulong upper = ExtendedCapability.EIM ? (ulong)_registers.Get32((int)upperAddress) << 32 : 0;
        _interruptSink?.Deliver(upper | _registers.Get32((int)address), _registers.Get32((int)data));
    }
}
