using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Intel;

/// <summary>Choices the Intel driver takes from the "kernel command line" and the platform.</summary>
public sealed class IntelDriverOptions
{
    /// <summary>How many times a wait for the hardware polls before giving up (reported, never an endless spin).</summary>
    public int PollLimit { get; init; } = 1000;

    /// <summary><c>intel_iommu=sm_off</c>: program legacy mode even when the unit reports ECAP.SMTS.</summary>
    public bool ScalableModeOff { get; init; }

    /// <summary><c>intel_iommu=sp_off</c>: map with 4 KiB pages only.</summary>
    public bool SuperpagesOff { get; init; }

    /// <summary>
    /// Which devices are ATS-capable PCIe functions (the PCI capability the driver would read from config space).
    /// ATS is enabled only when the unit has ECAP.DT and queued invalidation is in use. Null = none.
    /// </summary>
    public Func<PciBdf, bool>? AtsCapable { get; init; }

    /// <summary>
    /// A deliberately buggy driver for experiments: strict unmap skips its IOTLB (and device-TLB) invalidation, so
    /// the hardware keeps serving the unmapped translation until something else flushes it — the forgotten
    /// invalidation the isolation checks and the scenario examples catch as a stale DMA. Never set by default.
    /// </summary>
    public bool SkipUnmapFlush { get; init; }
}
