using VtdEmu.Internal;

namespace VtdEmu.Registers;

/// <summary>
/// ECAP_REG, the Extended Capability Register (offset 0x10, 64-bit, read-only; VT-d spec
/// §10.4.3 / §11.4.3). Accessors use the spec's absolute bit numbers.
/// </summary>
public readonly record struct ExtendedCapabilityRegister(ulong Value)
{
    /// <summary>C, 0, Page-walk Coherency.</summary>
    public bool Coherent => Bits.IsSet(Value, 0);

    /// <summary>QI, 1, Queued Invalidation support.</summary>
    public bool QI => Bits.IsSet(Value, 1);

    /// <summary>DT, 2, Device-TLB support.</summary>
    public bool DT => Bits.IsSet(Value, 2);

    /// <summary>IR, 3, Interrupt Remapping support.</summary>
    public bool IR => Bits.IsSet(Value, 3);

    /// <summary>EIM, 4, Extended Interrupt Mode.</summary>
    public bool EIM => Bits.IsSet(Value, 4);

    /// <summary>PT, 6, Pass Through.</summary>
    public bool PT => Bits.IsSet(Value, 6);

    /// <summary>SC, 7, Snoop Control.</summary>
    public bool SC => Bits.IsSet(Value, 7);

    /// <summary>IRO, 17:8, IOTLB Register Offset, in 16-byte units.</summary>
    public int IRO => (int)Bits.Get(Value, 17, 8);

    /// <summary>Byte offset of IVA_REG (IRO × 16); IOTLB_REG is 8 bytes above it.</summary>
    public int IotlbRegisterOffset => IRO * 16;

    /// <summary>MHMV, 23:20, Maximum Handle Mask Value.</summary>
    public int MHMV => (int)Bits.Get(Value, 23, 20);

    /// <summary>MTS, 25, Memory Type Support.</summary>
    public bool MTS => Bits.IsSet(Value, 25);

    /// <summary>NEST, 26, Nested Translation Support.</summary>
    public bool NEST => Bits.IsSet(Value, 26);

    /// <summary>PRS, 29, Page Request Support.</summary>
    public bool PRS => Bits.IsSet(Value, 29);

    /// <summary>ERS, 30, Execute Request Support.</summary>
    public bool ERS => Bits.IsSet(Value, 30);

    /// <summary>SRS, 31, Supervisor Request Support.</summary>
    public bool SRS => Bits.IsSet(Value, 31);

    /// <summary>NWFS, 33, No Write Flag Support.</summary>
    public bool NWFS => Bits.IsSet(Value, 33);

    /// <summary>EAFS, 34, Extended Accessed Flag Support.</summary>
    public bool EAFS => Bits.IsSet(Value, 34);

    /// <summary>PSS, 39:35, PASID Size Supported, encoded as width − 1.</summary>
    public int PSS => (int)Bits.Get(Value, 39, 35);

    /// <summary>PASID, 40, Process Address Space ID support.</summary>
    public bool PASID => Bits.IsSet(Value, 40);

    /// <summary>DIT, 41, Device-TLB Invalidation Throttle.</summary>
    public bool DIT => Bits.IsSet(Value, 41);

    /// <summary>PDS, 42, Page-request Drain Support.</summary>
    public bool PDS => Bits.IsSet(Value, 42);

    /// <summary>SMTS, 43, Scalable Mode Translation Support.</summary>
    public bool SMTS => Bits.IsSet(Value, 43);

    /// <summary>VCS, 44, Virtual Command Support (deprecated).</summary>
    public bool VCS => Bits.IsSet(Value, 44);

    /// <summary>SLADS, 45, Second-Level Accessed/Dirty Support.</summary>
    public bool SLADS => Bits.IsSet(Value, 45);

    /// <summary>SLTS, 46, Second-Level Translation Support (scalable mode, PGTT=010b).</summary>
    public bool SLTS => Bits.IsSet(Value, 46);

    /// <summary>FLTS, 47, First-Level Translation Support (scalable mode, PGTT=001b).</summary>
    public bool FLTS => Bits.IsSet(Value, 47);

    /// <summary>SMPWCS, 48, Scalable-Mode Page-Walk Coherency Support.</summary>
    public bool SMPWCS => Bits.IsSet(Value, 48);

    /// <summary>RPS, 49, RID_PASID Support.</summary>
    public bool RPS => Bits.IsSet(Value, 49);

    /// <summary>PMS, 51, Performance Monitoring Support.</summary>
    public bool PMS => Bits.IsSet(Value, 51);

    /// <summary>ADMS, 52, Abort DMA Mode Support.</summary>
    public bool ADMS => Bits.IsSet(Value, 52);

    /// <summary>RPRIVS, 53, RID_PRIV Support.</summary>
    public bool RPRIVS => Bits.IsSet(Value, 53);

    public override string ToString() => $"ECAP 0x{Value:x16}";
}
