namespace VtdEmu.Iommu;

/// <summary><c>enum iommu_hwpt_vtd_s1_invalidate_flags</c> (Linux <c>include/uapi/linux/iommufd.h</c>).</summary>
[Flags]
public enum IommuVtdInvalidateFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>IOMMU_VTD_INV_FLAGS_LEAF: only leaf entries changed (the descriptor's IH, VT-d spec §6.5.2.4).</summary>
    Leaf = 1 << 0,
}
