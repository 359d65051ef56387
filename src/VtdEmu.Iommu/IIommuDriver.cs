namespace VtdEmu.Iommu;

/// <summary>
/// The driver boundary (<c>struct iommu_ops</c>): one instance per IOMMU unit. The core is driver-agnostic; the Intel
/// VT-d driver implements this by programming the emulated hardware through MMIO and guest memory only.
/// All calls for one group arrive with that group's lock held; calls for different groups may be concurrent.
/// </summary>
public interface IIommuDriver
{
    /// <summary>
    /// The driver's static BLOCKED domain (<c>ops->blocked_domain</c>), or null to let the core use an empty paging
    /// domain as the group's blocking domain (spec-notes/iommu-core.md "Groups, devices and domains"). Needed for PASID
    /// detach.
    /// </summary>
    IIommuDomainOps? BlockedDomain { get; }

    /// <summary>
    /// The driver's static IDENTITY domain (<c>ops->identity_domain</c>), or null when the unit cannot do
    /// pass-through (VT-d: ECAP.PT = 0).
    /// </summary>
    IIommuDomainOps? IdentityDomain { get; }

    /// <summary><c>probe_device</c>: the device joined this unit. A failure keeps the device out of the IOMMU layer.</summary>
    LinuxError ProbeDevice(IommuDevice device);

    /// <summary><c>release_device</c>: the device is leaving; the core has already attached the release domain.</summary>
    void ReleaseDevice(IommuDevice device);

    /// <summary>
    /// <c>def_domain_type</c>: the driver's preferred default-domain type for this device (IDENTITY or DMA), or null
    /// for no preference. VT-d returns DMA when the unit lacks pass-through.
    /// </summary>
    IommuDomainType? DefDomainType(IommuDevice device);

    /// <summary>
    /// <c>domain_alloc_paging_flags</c>: allocates an empty paging domain usable by <paramref name="device"/>.
    /// Unsupported flags → EOPNOTSUPP; out of memory → ENOMEM. The core sets the domain's type.
    /// </summary>
    LinuxError DomainAllocPaging(IommuDevice device, IommuAllocFlags flags, out IIommuDomainOps? domain);

    /// <summary>
    /// <c>domain_alloc_nested</c> (iommufd): a nested domain whose first level is the user's <paramref name="data"/>,
    /// on <paramref name="parent"/> (a domain this driver allocated with <see cref="IommuAllocFlags.NestParent"/>).
    /// Drivers without nesting support answer EOPNOTSUPP.
    /// </summary>
    LinuxError DomainAllocNested(IommuDevice device, IIommuDomainOps parent, IommuAllocFlags flags, in IommuHwptVtdS1 data, out IIommuDomainOps? domain)
    {
        domain = null;
        return LinuxError.EOPNOTSUPP;
    }
}
