namespace VtdEmu.Iommu;

/// <summary>
/// <c>enum iommu_hwpt_vtd_s1_flags</c> (Linux <c>include/uapi/linux/iommufd.h</c>): the guest's first-level controls a
/// VMM passes for a nested VT-d domain; they become the PASID-table entry's SRE, EAFE and WPE (VT-d spec §9.6).
/// </summary>
[Flags]
public enum IommuVtdS1Flags : ulong
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>IOMMU_VTD_S1_SRE: supervisor requests allowed (needs ECAP.SRS).</summary>
    SRE = 1 << 0,

    /// <summary>IOMMU_VTD_S1_EAFE: extended accessed flag (needs ECAP.EAFS).</summary>
    EAFE = 1 << 1,

    /// <summary>IOMMU_VTD_S1_WPE: write protect for supervisor requests (only with SRE).</summary>
    WPE = 1 << 2,
}
