namespace VtdEmu.X86;

/// <summary>
/// Outcome of emulating one trapped instruction. Every value but <see cref="Executed"/> is a
/// refusal: the device was not touched and the CPU state is unchanged (spec-notes/mmio.md).
/// </summary>
public enum MmioStatus
{
    /// <summary>The access was performed and the CPU state updated (RIP advanced).</summary>
    Executed,

    /// <summary>The bytes do not decode to a valid instruction in 64-bit mode (the CPU would raise #UD).</summary>
    InvalidInstruction,

    /// <summary>The bytes end before the instruction does; fetch more bytes and retry.</summary>
    IncompleteInstruction,

    /// <summary>The instruction does not read or write memory (no memory operand, or LEA/NOP forms).</summary>
    NotMemoryAccess,

    /// <summary>A string instruction (MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS), with or without REP.</summary>
    StringInstruction,

    /// <summary>A memory access by an instruction form this front end does not emulate.</summary>
    UnsupportedInstruction,

    /// <summary>The effective address computed from the CPU state disagrees with the faulting GPA in bits 11:0.</summary>
    AddressMismatch,

    /// <summary>The access does not lie entirely inside the MMIO region.</summary>
    OutsideRegion,

    /// <summary>The access crosses a DWORD boundary and is not an aligned QWORD: it spans two registers.</summary>
    StraddlesRegisters,
}
