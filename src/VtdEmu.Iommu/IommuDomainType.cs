namespace VtdEmu.Iommu;

/// <summary>
/// <c>iommu_domain</c> type (spec-notes/iommu-core.md "Groups, devices and domains"): a bit-set of PAGING 0x01, DMA_API
/// 0x02, PT 0x04, DMA_FQ 0x08 with the kernel's values. SVA, PLATFORM and NESTED are not modelled
/// (spec-notes/iommu-core.md).
/// </summary>
public enum IommuDomainType
{
    /// <summary>IOMMU_DOMAIN_BLOCKED: all DMA blocked; no map/unmap.</summary>
    Blocked = 0x00,

    /// <summary>IOMMU_DOMAIN_UNMANAGED: a paging domain owned by a caller (driver, VFIO, iommufd).</summary>
    Unmanaged = 0x01,

    /// <summary>IOMMU_DOMAIN_DMA: paging domain owned by the kernel DMA API, strict invalidation.</summary>
    Dma = 0x03,

    /// <summary>IOMMU_DOMAIN_IDENTITY: pass-through (IOVA = PA); no map/unmap.</summary>
    Identity = 0x04,

    /// <summary>IOMMU_DOMAIN_DMA_FQ: DMA API domain with deferred (flush-queue) invalidation.</summary>
    DmaFq = 0x0B,

    /// <summary>
    /// IOMMU_DOMAIN_NESTED: a user (guest) first level nested on a parent paging domain; no map/unmap, the user
    /// invalidates its own caches (spec-notes/nested-domains.md).
    /// </summary>
    Nested = 0x40,
}
