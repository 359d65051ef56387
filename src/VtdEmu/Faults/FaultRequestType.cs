namespace VtdEmu.Faults;

/// <summary>
/// Request type as FRCD reports it in T1 (bit 126) and T2 (bit 92): {T1,T2} = 00 write, 01 page
/// request, 10 read, 11 AtomicOp (spec-notes/fault-recording.md §1; the enum value is that two-bit code).
/// </summary>
public enum FaultRequestType : byte
{
    /// <summary>{T1,T2} = 00: write request.</summary>
    Write = 0b00,

    /// <summary>{T1,T2} = 01: page request.</summary>
    PageRequest = 0b01,

    /// <summary>{T1,T2} = 10: read request.</summary>
    Read = 0b10,

    /// <summary>{T1,T2} = 11: AtomicOp request.</summary>
    AtomicOp = 0b11,
}
