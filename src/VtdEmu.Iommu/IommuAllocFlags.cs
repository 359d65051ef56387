namespace VtdEmu.Iommu;

/// <summary>IOMMU_HWPT_ALLOC_* flags accepted by <c>iommu_paging_domain_alloc_flags</c> (spec-notes/iommu-core.md
/// "Domain allocation").</summary>
[Flags]
public enum IommuAllocFlags
{
    /// <summary>A plain paging domain.</summary>
    None = 0,

    /// <summary>IOMMU_HWPT_ALLOC_NEST_PARENT.</summary>
    NestParent = 1 << 0,

    /// <summary>IOMMU_HWPT_ALLOC_DIRTY_TRACKING.</summary>
    DirtyTracking = 1 << 1,

    /// <summary>IOMMU_HWPT_ALLOC_PASID: the domain may be attached to PASIDs.</summary>
    Pasid = 1 << 3,
}
