using VtdEmu.Registers;

namespace VtdEmu;

/// <summary>GCMD processing (VT-d spec §11.4.4): every bit of a write, against the current GSTS.</summary>
public sealed partial class RemappingUnit
{
    private void ProcessGlobalCommand(GlobalCommand command)
    {
        CapabilityRegister cap = Capability;
        ExtendedCapabilityRegister ecap = ExtendedCapability;
        GlobalStatus before = Status;
        GlobalStatus status = before;

        // One-shot commands first (pointer latches), then the enables, so a write that sets SRTP and
        // TE together enables translation with the new root table (the order is a model choice).
        bool rootLatched = false;
        if ((command & GlobalCommand.SRTP) != 0)
        {
            _latchedRootTable = _registers.Get64((int)VtdRegister.RTADDR);
            status |= GlobalStatus.RTPS;
            rootLatched = true;
        }

        if ((command & GlobalCommand.SFL) != 0 && cap.AFL)
        {
            _latchedFaultLog = _registers.Get64((int)VtdRegister.AFLOG);
            status |= GlobalStatus.FLS;
        }

        // WBF (RWBF only): the flush completes before the write returns, so WBFS (1 = in progress) stays 0.
        bool interruptTableLatched = false;
        if ((command & GlobalCommand.SIRTP) != 0 && ecap.IR)
        {
            _latchedInterruptTable = _registers.Get64((int)VtdRegister.IRTA);
            status |= GlobalStatus.IRTPS;
            interruptTableLatched = true;
        }

        status = Follow(status, command, GlobalCommand.TE, GlobalStatus.TES, supported: true);
        status = Follow(status, command, GlobalCommand.EAFL, GlobalStatus.AFLS, cap.AFL);
        status = Follow(status, command, GlobalCommand.QIE, GlobalStatus.QIES, ecap.QI);
        status = Follow(status, command, GlobalCommand.IRE, GlobalStatus.IRES, ecap.IR);
        status = Follow(status, command, GlobalCommand.CFI, GlobalStatus.CFIS, ecap.IR);
        _registers.Set32((int)VtdRegister.GSTS, (uint)status);

        bool queueWasEnabled = (before & GlobalStatus.QIES) != 0;
        bool queueIsEnabled = (status & GlobalStatus.QIES) != 0;
        if (queueWasEnabled != queueIsEnabled)
        {
            // IQH reads 0 whenever QIES is 0, and fetching starts from 0 on enable.
            _registers.Set64((int)VtdRegister.IQH, 0);
        }

        if (rootLatched && cap.ESRTPS)
        {
            OnRootTablePointerLatched();
        }

        if (interruptTableLatched && cap.ESIRTPS)
        {
            OnInterruptRemapTablePointerLatched();
        }

        if (queueIsEnabled && !queueWasEnabled)
        {
            OnQueuedInvalidationEnabled();
        }
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
