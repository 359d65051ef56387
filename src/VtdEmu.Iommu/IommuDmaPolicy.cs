namespace VtdEmu.Iommu;

/// <summary>
/// The boot-time default-domain policy (spec-notes/iommu-core.md "Default domain"): <c>iommu.passthrough=1</c>,
/// <c>iommu.strict=1</c> or <c>iommu.strict=0</c>. Selects the global default type IDENTITY, DMA or DMA_FQ.
/// </summary>
public enum IommuDmaPolicy
{
    /// <summary>Strict DMA translation: default type DMA.</summary>
    Strict,

    /// <summary>Lazy DMA translation (flush queue): default type DMA_FQ.</summary>
    Lazy,

    /// <summary>Pass-through: default type IDENTITY.</summary>
    Passthrough,
}
