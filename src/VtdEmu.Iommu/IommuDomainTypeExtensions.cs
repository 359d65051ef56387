namespace VtdEmu.Iommu;

/// <summary>Predicates over the <see cref="IommuDomainType"/> bit-set (spec-notes/iommu-core.md "Groups, devices and
/// domains").</summary>
public static class IommuDomainTypeExtensions
{
    private const int PagingBit = 0x01;
    private const int DmaApiBit = 0x02;

    /// <summary>__IOMMU_DOMAIN_PAGING: the domain supports map/unmap.</summary>
    public static bool IsPaging(this IommuDomainType type) => ((int)type & PagingBit) != 0;

    /// <summary>"DMA domain": the DMA_API bit is set (DMA or DMA_FQ).</summary>
    public static bool IsDmaApi(this IommuDomainType type) => ((int)type & DmaApiBit) != 0;
}
