namespace VtdEmu.Iommu;

/// <summary>Mapping protection flags (IOMMU_READ, IOMMU_WRITE, ...) with the kernel's bit values.</summary>
[Flags]
public enum IommuProt
{
    /// <summary>No access; drivers reject a map with neither Read nor Write.</summary>
    None = 0,

    /// <summary>IOMMU_READ: device may read.</summary>
    Read = 1 << 0,

    /// <summary>IOMMU_WRITE: device may write.</summary>
    Write = 1 << 1,

    /// <summary>IOMMU_CACHE: DMA is cache coherent (snoop).</summary>
    Cache = 1 << 2,

    /// <summary>IOMMU_NOEXEC.</summary>
    NoExec = 1 << 3,

    /// <summary>IOMMU_MMIO: the target is MMIO.</summary>
    Mmio = 1 << 4,

    /// <summary>IOMMU_PRIV: privileged access.</summary>
    Priv = 1 << 5,
}
