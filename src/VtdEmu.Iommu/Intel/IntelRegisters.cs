namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Register offsets and bits the driver uses (VT-d spec §11.4; spec-notes/registers.md). The driver's own
/// copy, as Linux keeps its own in <c>intel/iommu.h</c>.
/// </summary>
internal static class IntelRegisters
{
    public const ulong CAP = 0x008;
    public const ulong ECAP = 0x010;
    public const ulong GCMD = 0x018;
    public const ulong GSTS = 0x01C;
    public const ulong RTADDR = 0x020;
    public const ulong CCMD = 0x028;
    public const ulong FSTS = 0x034;
    public const ulong PMEN = 0x064;
    public const ulong IQH = 0x080;
    public const ulong IQT = 0x088;
    public const ulong IQA = 0x090;

    /// <summary>GCMD/GSTS bit 31: TE / TES.</summary>
    public const uint TranslationEnable = 1U << 31;

    /// <summary>GCMD.SRTP / GSTS.RTPS, bit 30.</summary>
    public const uint RootTablePointer = 1U << 30;

    /// <summary>GCMD.WBF / GSTS.WBFS, bit 27.</summary>
    public const uint WriteBufferFlush = 1U << 27;

    /// <summary>GCMD.QIE / GSTS.QIES, bit 26.</summary>
    public const uint QueuedInvalidationEnable = 1U << 26;

    /// <summary>
    /// GSTS bits that may be copied into a GCMD write: everything except the one-shot status bits RTPS, FLS, WBFS and
    /// IRTPS (spec §11.4.4 software guidance).
    /// </summary>
    public const uint PersistentStatusMask = 0x96FF_FFFF;

    /// <summary>CCMD.ICC, bit 63: invalidate context cache (cleared by hardware on completion).</summary>
    public const ulong ICC = 1UL << 63;

    /// <summary>CCMD.CAIG, 60:59: granularity actually performed (0 = not performed).</summary>
    public const int CaigShift = 59;

    /// <summary>IOTLB_REG.IVT, bit 63.</summary>
    public const ulong IVT = 1UL << 63;

    /// <summary>IOTLB_REG.IAIG, 58:57.</summary>
    public const int IaigShift = 57;

    /// <summary>FSTS.IQE, bit 4: invalidation queue error.</summary>
    public const uint IQE = 1U << 4;

    /// <summary>PMEN.EPM (31) and PRS (0).</summary>
    public const uint EnableProtectedMemory = 1U << 31;

    /// <summary>PMEN.PRS.</summary>
    public const uint ProtectedRegionStatus = 1U;
}
