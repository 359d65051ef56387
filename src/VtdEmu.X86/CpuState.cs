namespace VtdEmu.X86;

/// <summary>
/// The guest register state a hypervisor hands over with an MMIO exit: general registers, RIP,
/// RFLAGS, the FS/GS bases (the only non-zero segment bases in 64-bit mode) and the XMM registers
/// (low 128 bits; the MOVD/MOVQ forms emulated here are legacy-SSE and leave YMM bits above 127
/// alone). Owned by the caller, mutated in place by <see cref="MmioInstructionEmulator"/>.
/// </summary>
public sealed class CpuState
{
    private const int RegisterCount = 16;

    private readonly ulong[] _gpr = new ulong[RegisterCount];
    private readonly UInt128[] _xmm = new UInt128[RegisterCount];

    /// <summary>A general register's full 64-bit value.</summary>
    public ulong this[GeneralRegister register]
    {
        get => _gpr[(int)register];
        set => _gpr[(int)register] = value;
    }

    /// <summary>Address of the trapped instruction; advanced by its length when it executes.</summary>
    public ulong Rip { get; set; }

    /// <summary>RFLAGS; bit 1 reads as 1 on a real CPU, so that is the initial value.</summary>
    public RflagsBits Rflags { get; set; } = RflagsBits.Reserved1;

    /// <summary>FS segment base (IA32_FS_BASE), added to FS-prefixed addresses.</summary>
    public ulong FsBase { get; set; }

    /// <summary>GS segment base (IA32_GS_BASE), added to GS-prefixed addresses.</summary>
    public ulong GsBase { get; set; }

    /// <summary>XMM register <paramref name="index"/> (0..15).</summary>
    public UInt128 GetXmm(int index) => _xmm[index];

    /// <summary>Sets XMM register <paramref name="index"/> (0..15).</summary>
    public void SetXmm(int index, UInt128 value) => _xmm[index] = value;

    /// <summary>A deep copy (registers are arrays, so a plain reference copy would alias).</summary>
    public CpuState Clone()
    {
        var copy = new CpuState { Rip = Rip, Rflags = Rflags, FsBase = FsBase, GsBase = GsBase };
        _gpr.CopyTo(copy._gpr, 0);
        _xmm.CopyTo(copy._xmm, 0);
        return copy;
    }
}
