namespace VtdEmu.Registers;

/// <summary>
/// Which guest writes to a register row run its side effect after the masked store:
/// the register layout says when, the component that owns the register says what
/// (<see cref="RegisterDispatch"/>). A 64-bit register written as two 32-bit halves acts on the half
/// spec-notes/registers.md names for it.
/// </summary>
internal enum WriteEffect : byte
{
    /// <summary>No side effect: the masked store is all a write does.</summary>
    None,

    /// <summary>Every write that touches the row (GCMD, FSTS, FECTL, PMEN, ICS, IECTL, FRCD).</summary>
    Any,

    /// <summary>A write that covers bits 63:56 of the row (CCMD.ICC, IOTLB_REG.IVT).</summary>
    HighDword,

    /// <summary>A write that covers bits 31:0 of the row (IQT.QT).</summary>
    LowDword,
}
