namespace VtdEmu.X86;

/// <summary>The sixteen 64-bit general registers, numbered as the ModRM/REX encoding numbers them.</summary>
public enum GeneralRegister
{
    RAX,
    RCX,
    RDX,
    RBX,
    RSP,
    RBP,
    RSI,
    RDI,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
}
