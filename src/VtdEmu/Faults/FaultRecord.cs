namespace VtdEmu.Faults;

/// <summary>
/// One primary fault as the translation or interrupt-remapping code hands it to the unit for
/// logging in a fault recording register (VT-d spec §7.2.1; FRCD layout in spec-notes/fault-recording.md).
/// </summary>
/// <param name="SourceId">Requester id: bus &lt;&lt; 8 | device &lt;&lt; 3 | function.</param>
/// <param name="Address">Faulting address; FRCD.FI keeps bits 63:12. For interrupt-remapping faults the caller puts the interrupt index in bits 63:48.</param>
/// <param name="Reason">FRCD.FR.</param>
/// <param name="RequestType">Write, read, page request or AtomicOp (FRCD.T1/T2).</param>
/// <param name="PasidPresent">The request carried a PASID (FRCD.PP).</param>
/// <param name="Pasid">The PASID (FRCD.PV, 20 bits), meaningful when <paramref name="PasidPresent"/>.</param>
/// <param name="AddressType">FRCD.AT.</param>
/// <param name="Execute">Execute permission requested (FRCD.EXE).</param>
/// <param name="Privileged">Supervisor privilege requested (FRCD.PRIV).</param>
public readonly record struct FaultRecord(
    ushort SourceId,
    ulong Address,
    FaultReason Reason,
    FaultRequestType RequestType,
    bool PasidPresent = false,
    uint Pasid = 0,
    FaultAddressType AddressType = FaultAddressType.Untranslated,
    bool Execute = false,
    bool Privileged = false);
