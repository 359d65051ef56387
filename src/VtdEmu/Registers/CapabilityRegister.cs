using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// CAP_REG, the Capability Register (offset 0x08, 64-bit, read-only; VT-d spec §10.4.2 / §11.4.2).
/// Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly record struct CapabilityRegister(ulong Value)
{
    /// <summary>ND, 2:0, Number of Domains supported (encoded).</summary>
    public int ND => (int)Bits.Get(Value, 2, 0);

    /// <summary>Number of domain IDs: 2^(4 + 2·ND) (ND=7 is reserved).</summary>
    public int DomainCount => 1 << (4 + (2 * Math.Min(ND, 6)));

    /// <summary>AFL, 3, Advanced Fault Logging.</summary>
    public bool AFL => Bits.IsSet(Value, 3);

    /// <summary>RWBF, 4, Required Write-Buffer Flushing.</summary>
    public bool RWBF => Bits.IsSet(Value, 4);

    /// <summary>PLMR, 5, Protected Low-Memory Region.</summary>
    public bool PLMR => Bits.IsSet(Value, 5);

    /// <summary>PHMR, 6, Protected High-Memory Region.</summary>
    public bool PHMR => Bits.IsSet(Value, 6);

    /// <summary>CM, 7, Caching Mode.</summary>
    public bool CM => Bits.IsSet(Value, 7);

    /// <summary>SAGAW, 12:8, Supported Adjusted Guest Address Widths (bit i = AW encoding i).</summary>
    public int SAGAW => (int)Bits.Get(Value, 12, 8);

    /// <summary>MGAW, 21:16, Maximum Guest Address Width, encoded as width − 1.</summary>
    public int MGAW => (int)Bits.Get(Value, 21, 16);

    /// <summary>ZLR, 22, Zero Length Read.</summary>
    public bool ZLR => Bits.IsSet(Value, 22);

    /// <summary>FRO, 33:24, Fault-recording Register Offset, in 16-byte units.</summary>
    public int FRO => (int)Bits.Get(Value, 33, 24);

    /// <summary>Byte offset of FRCD_REG[0] (FRO × 16).</summary>
    public int FaultRecordingOffset => FRO * 16;

    /// <summary>SLLPS, 37:34, Second Level Large Page Support (bit 0 = 2 MiB, bit 1 = 1 GiB).</summary>
    public int SLLPS => (int)Bits.Get(Value, 37, 34);

    /// <summary>PSI, 39, Page Selective Invalidation.</summary>
    public bool PSI => Bits.IsSet(Value, 39);

    /// <summary>NFR, 47:40, Number of Fault-recording Registers, encoded as count − 1.</summary>
    public int NFR => (int)Bits.Get(Value, 47, 40);

    /// <summary>Number of fault recording registers (NFR + 1).</summary>
    public int FaultRecordingCount => NFR + 1;

    /// <summary>MAMV, 53:48, Maximum Address Mask Value.</summary>
    public int MAMV => (int)Bits.Get(Value, 53, 48);

    /// <summary>DWD, 54, Write Draining.</summary>
    public bool DWD => Bits.IsSet(Value, 54);

    /// <summary>DRD, 55, Read Draining.</summary>
    public bool DRD => Bits.IsSet(Value, 55);

    /// <summary>FL1GP, 56, First Level 1-GByte Page support.</summary>
    public bool FL1GP => Bits.IsSet(Value, 56);

    /// <summary>PI, 59, Posted Interrupts support.</summary>
    public bool PI => Bits.IsSet(Value, 59);

    /// <summary>FL5LP, 60, First Level 5-level Paging support.</summary>
    public bool FL5LP => Bits.IsSet(Value, 60);

    /// <summary>ECMDS, 61, Enhanced Command Support.</summary>
    public bool ECMDS => Bits.IsSet(Value, 61);

    /// <summary>ESIRTPS, 62, Enhanced Set Interrupt Remap Table Pointer Support.</summary>
    public bool ESIRTPS => Bits.IsSet(Value, 62);

    /// <summary>ESRTPS, 63, Enhanced Set Root Table Pointer Support.</summary>
    public bool ESRTPS => Bits.IsSet(Value, 63);

    /// <summary>True when SAGAW advertises the AW encoding <paramref name="aw"/> (1 = 39-bit, 2 = 48-bit, 3 = 57-bit).</summary>
    public bool SupportsAgaw(int aw) => aw is >= 0 and <= 4 && ((SAGAW >> aw) & 1) != 0;

    public override string ToString() => $"CAP 0x{Value:x16}";
}
