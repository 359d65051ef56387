namespace VtdEmu.X86;

/// <summary>RFLAGS bits (Intel SDM Vol. 1 §3.4.3). Only the status flags are changed by the emulator.</summary>
[Flags]
public enum RflagsBits : ulong
{
    None = 0,

    /// <summary>CF, bit 0, carry flag.</summary>
    CF = 1UL << 0,

    /// <summary>Bit 1 is reserved and reads as 1 on real CPUs.</summary>
    Reserved1 = 1UL << 1,

    /// <summary>PF, bit 2, parity flag (even parity of the result's low byte).</summary>
    PF = 1UL << 2,

    /// <summary>AF, bit 4, auxiliary carry flag (carry or borrow out of bit 3).</summary>
    AF = 1UL << 4,

    /// <summary>ZF, bit 6, zero flag.</summary>
    ZF = 1UL << 6,

    /// <summary>SF, bit 7, sign flag.</summary>
    SF = 1UL << 7,

    /// <summary>TF, bit 8, trap flag.</summary>
    TF = 1UL << 8,

    /// <summary>IF, bit 9, interrupt enable flag.</summary>
    IF = 1UL << 9,

    /// <summary>DF, bit 10, direction flag.</summary>
    DF = 1UL << 10,

    /// <summary>OF, bit 11, overflow flag.</summary>
    OF = 1UL << 11,

    /// <summary>The six arithmetic status flags.</summary>
    Status = CF | PF | AF | ZF | SF | OF,
}
