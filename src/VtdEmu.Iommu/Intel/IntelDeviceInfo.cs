using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The driver's per-device state (Linux <c>device_domain_info</c>), kept in <see cref="IommuDevice.DriverData"/>.
/// Guarded by the driver's lock.
/// </summary>
internal sealed class IntelDeviceInfo(PciBdf bdf, IReadOnlyList<PciBdf> aliases, bool atsSupported, bool pasidSupported = false)
{
    /// <summary>The device's own requester ID.</summary>
    public ushort Sid { get; } = bdf.SourceId;

    /// <summary>Every requester ID its DMA may carry (own first): one context entry each.</summary>
    public IReadOnlyList<PciBdf> Aliases { get; } = aliases;

    /// <summary>ATS capable and the unit can invalidate device-TLBs (ECAP.DT with queued invalidation).</summary>
    public bool AtsSupported { get; } = atsSupported;

    /// <summary>The device has a PASID capability and the unit reports ECAP.PASID in scalable mode.</summary>
    public bool PasidSupported { get; } = pasidSupported;

    /// <summary>Scalable mode: the device's PASID directory (its context entries point at it).</summary>
    public IntelPasidTable? PasidTable { get; set; }

    /// <summary>Scalable mode: the paging or nested domain behind each PASID other than 0 (set_dev_pasid).</summary>
    public Dictionary<uint, IIntelTaggedDomain> PasidDomains { get; } = [];

    /// <summary>ATS enabled (after a device-TLB context entry was written).</summary>
    public bool AtsEnabled { get; set; }

    /// <summary>The paging or nested domain the RID points at, or null (identity, blocked, never attached).</summary>
    public IIntelTaggedDomain? Domain { get; set; }
}
