using VtdEmu.Memory;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// CAP_REG and ECAP_REG as the driver decodes them (VT-d spec §11.4.2, §11.4.3; the fields Linux's
/// <c>intel/iommu.h</c> <c>cap_*</c>/<c>ecap_*</c> macros read; spec-notes/intel-driver.md "Capabilities the driver
/// reads"). Deliberately independent of the hardware model's own register types: the driver sees only the raw 64-bit
/// values.
/// </summary>
internal readonly record struct IntelUnitCaps(ulong Cap, ulong Ecap)
{
    /// <summary>CAP.ND 2:0: number of domains = 2^(4 + 2·ND).</summary>
    public int DomainCount => 1 << (4 + (2 * (int)(Cap & 0x7)));

    /// <summary>CAP.RWBF 4: software must flush the write buffer after making entries present.</summary>
    public bool RWBF => IsSet(Cap, 4);

    /// <summary>CAP.PLMR 5 / PHMR 6: protected memory regions exist.</summary>
    public bool ProtectedMemory => IsSet(Cap, 5) || IsSet(Cap, 6);

    /// <summary>CAP.CM 7: caching mode (not-present entries may be cached).</summary>
    public bool CM => IsSet(Cap, 7);

    /// <summary>CAP.SAGAW 12:8: supported adjusted guest address widths (bit n = AGAW n).</summary>
    public int SAGAW => (int)((Cap >> 8) & 0x1F);

    /// <summary>CAP.MGAW 21:16 plus one: maximum guest address width in bits.</summary>
    public int MGAW => (int)((Cap >> 16) & 0x3F) + 1;

    /// <summary>CAP.SLLPS 37:34: second-level large-page support (bit 0 = 2 MiB, bit 1 = 1 GiB).</summary>
    public int SLLPS => (int)((Cap >> 34) & 0xF);

    /// <summary>CAP.PSI 39: page-selective IOTLB invalidation.</summary>
    public bool PSI => IsSet(Cap, 39);

    /// <summary>CAP.MAMV 53:48: largest address mask of a page-selective invalidation.</summary>
    public int MAMV => (int)((Cap >> 48) & 0x3F);

    /// <summary>CAP.DWD 54: write draining.</summary>
    public bool DWD => IsSet(Cap, 54);

    /// <summary>CAP.DRD 55: read draining.</summary>
    public bool DRD => IsSet(Cap, 55);

    /// <summary>CAP.FL1GP 56: first-level 1 GiB pages.</summary>
    public bool FL1GP => IsSet(Cap, 56);

    /// <summary>CAP.FL5LP 60: first-level 5-level paging.</summary>
    public bool FL5LP => IsSet(Cap, 60);

    /// <summary>CAP.ESRTPS 63: SRTP also invalidates the context cache, PASID cache and IOTLB.</summary>
    public bool ESRTPS => IsSet(Cap, 63);

    /// <summary>ECAP.QI 1: queued invalidation.</summary>
    public bool QI => IsSet(Ecap, 1);

    /// <summary>ECAP.DT 2: device-TLB (ATS) support.</summary>
    public bool DT => IsSet(Ecap, 2);

    /// <summary>ECAP.PT 6: pass-through translation type.</summary>
    public bool PT => IsSet(Ecap, 6);

    /// <summary>ECAP.IRO 17:8: IOTLB register offset in 16-byte units.</summary>
    public ulong IotlbRegisterOffset => ((Ecap >> 8) & 0x3FF) * 16;

    /// <summary>ECAP.NEST 26: nested translation.</summary>
    public bool NEST => IsSet(Ecap, 26);

    /// <summary>ECAP.SRS 31: supervisor requests (PASID-entry SRE).</summary>
    public bool SRS => IsSet(Ecap, 31);

    /// <summary>ECAP.EAFS 34: extended accessed flag (PASID-entry EAFE).</summary>
    public bool EAFS => IsSet(Ecap, 34);

    /// <summary>ECAP.PSS 39:35: supported PASID width minus one.</summary>
    public int PSS => (int)((Ecap >> 35) & 0x1F);

    /// <summary>ECAP.PASID 40: requests with PASID.</summary>
    public bool PASID => IsSet(Ecap, 40);

    /// <summary>ECAP.SMTS 43: scalable-mode translation.</summary>
    public bool SMTS => IsSet(Ecap, 43);

    /// <summary>ECAP.SLADS 45: second-level accessed/dirty support.</summary>
    public bool SLADS => IsSet(Ecap, 45);

    /// <summary>ECAP.SLTS 46: second-level translation in scalable mode.</summary>
    public bool SLTS => IsSet(Ecap, 46);

    /// <summary>ECAP.FLTS 47: first-level translation in scalable mode.</summary>
    public bool FLTS => IsSet(Ecap, 47);

    /// <summary>ECAP.SMPWCS 48: scalable-mode page walks are coherent (Linux sets PASID-entry PWSNP from it).</summary>
    public bool SMPWCS => IsSet(Ecap, 48);

    /// <summary>
    /// The unit's AGAW in legacy mode (Linux <c>iommu_calculate_agaw</c>): the largest SAGAW bit not above
    /// width_to_agaw(57); -1 when SAGAW offers none.
    /// </summary>
    public int Agaw => LargestAgaw(SAGAW, WidthToAgaw(57));

    /// <summary>
    /// The largest AGAW the hardware supports (Linux <c>msagaw</c>, width_to_agaw(64)), programmed in pass-through
    /// context entries.
    /// </summary>
    public int MaxAgaw => LargestAgaw(SAGAW, WidthToAgaw(64));

    /// <summary>
    /// The unit's AGAW in scalable mode (Linux <c>__iommu_calculate_sagaw</c>): with FLTS the usable widths are the
    /// first-level ones (4-level, plus 5-level with FL5LP), intersected with SAGAW when SLTS is also reported.
    /// </summary>
    public int ScalableAgaw
    {
        get
        {
            int first = 0b0100 | (FL5LP ? 0b1000 : 0);
            int widths = !FLTS ? SAGAW : SLTS ? first & SAGAW : first;
            return LargestAgaw(widths, WidthToAgaw(57));
        }
    }

    /// <summary>Address width of an AGAW: 30 + 9·agaw.</summary>
    public static int AgawToWidth(int agaw) => PageGeometry.InputWidth(agaw + 2);

    private static int WidthToAgaw(int width) => (width - 30 + 8) / 9;

    private static int LargestAgaw(int widths, int limit)
    {
        for (int agaw = limit; agaw >= 0; agaw--)
        {
            if (((widths >> agaw) & 1) != 0)
            {
                return agaw;
            }
        }

        return -1;
    }

    private static bool IsSet(ulong value, int bit) => ((value >> bit) & 1) != 0;
}
