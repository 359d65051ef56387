namespace VtdEmu.Iommu;

/// <summary>
/// <c>struct iommu_hwpt_vtd_s1</c> (Linux <c>include/uapi/linux/iommufd.h</c>), the user data of a nested VT-d domain:
/// the guest's first-level table (a guest-physical address, translated by the parent's second level), its address width
/// (48 = 4-level, 57 = 5-level) and <see cref="IommuVtdS1Flags"/>. spec-notes/nested-domains.md.
/// </summary>
/// <param name="Flags">IOMMU_VTD_S1_* bits.</param>
/// <param name="PgtblAddr">pgtbl_addr: the first-level table's guest-physical address (FLPTPTR).</param>
/// <param name="AddrWidth">addr_width: 48 or 57.</param>
/// <param name="Reserved">__reserved: must be 0.</param>
public readonly record struct IommuHwptVtdS1(IommuVtdS1Flags Flags, ulong PgtblAddr, uint AddrWidth, uint Reserved = 0)
{
    /// <summary>ADDR_WIDTH_4LEVEL.</summary>
    public const uint AddrWidth4Level = 48;

    /// <summary>ADDR_WIDTH_5LEVEL.</summary>
    public const uint AddrWidth5Level = 57;
}
