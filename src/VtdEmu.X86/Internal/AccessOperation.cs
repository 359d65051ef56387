namespace VtdEmu.X86.Internal;

/// <summary>What an emulated instruction does with its memory operand.</summary>
internal enum AccessOperation : byte
{
    /// <summary>MOV/MOVZX/MOVSX/MOVSXD: read memory into a general register.</summary>
    Load,

    /// <summary>MOV: write a general register or an immediate to memory.</summary>
    Store,

    /// <summary>MOVD/MOVQ xmm, m: read memory into an XMM register, zeroing bits 127:size.</summary>
    LoadXmm,

    /// <summary>MOVD/MOVQ m, xmm: write the low bytes of an XMM register.</summary>
    StoreXmm,

    /// <summary>XCHG m, r: read memory, write the register, load the old value into the register.</summary>
    Exchange,

    Add,
    Sub,
    And,
    Or,
    Xor,

    /// <summary>BTS m, r/imm: CF = bit, then set it.</summary>
    Bts,

    /// <summary>BTR m, r/imm: CF = bit, then clear it.</summary>
    Btr,
}
