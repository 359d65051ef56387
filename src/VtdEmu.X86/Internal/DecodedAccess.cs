namespace VtdEmu.X86.Internal;

/// <summary>
/// A decoded instruction reduced to what executing it needs, in VtdEmu's own terms, so the
/// execute path touches no Iced type. Built once per (RIP, bytes) and cached.
/// </summary>
internal struct DecodedAccess
{
    /// <summary>Register number meaning "no register" for <see cref="Base"/>, <see cref="Index"/>, <see cref="Register"/>.</summary>
    public const sbyte NoRegister = -1;

    public AccessOperation Operation;

    /// <summary>Memory access size in bytes: 1, 2, 4 or 8.</summary>
    public byte Size;

    /// <summary>Instruction length in bytes.</summary>
    public byte Length;

    /// <summary>GPR or XMM number of the register operand, or <see cref="NoRegister"/> for immediates.</summary>
    public sbyte Register;

    /// <summary>Size in bytes of the register operand (the destination size for MOVZX/MOVSX).</summary>
    public byte RegisterSize;

    /// <summary>The register operand is AH, CH, DH or BH (bits 15:8 of RAX..RBX).</summary>
    public bool HighByte;

    /// <summary>MOVSX/MOVSXD: sign-extend the loaded value instead of zero-extending it.</summary>
    public bool SignExtend;

    /// <summary>The immediate source operand, already sign-extended as the CPU does.</summary>
    public ulong Immediate;

    /// <summary>Base GPR number, or <see cref="NoRegister"/>; RIP-relative operands fold into <see cref="Displacement"/>.</summary>
    public sbyte Base;

    /// <summary>Index GPR number, or <see cref="NoRegister"/>.</summary>
    public sbyte Index;

    /// <summary>Index scale: 1, 2, 4 or 8.</summary>
    public byte Scale;

    /// <summary>0x67 address-size override: the effective address wraps at 2^32.</summary>
    public bool Address32;

    /// <summary>Displacement, or the absolute target of a RIP/EIP-relative operand (computed by the decoder from RIP).</summary>
    public ulong Displacement;

    /// <summary>Segment whose base is added: FS or GS; others have base 0 in 64-bit mode.</summary>
    public SegmentBase Segment;
}

/// <summary>Which segment base (if any) an operand's linear address includes.</summary>
internal enum SegmentBase : byte
{
    None,
    Fs,
    Gs,
}
