namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The driver's static BLOCKED domain (spec-notes/intel-driver.md "Attach"): attach = clear the device's context
/// entries with the invalidations of spec-notes/caching.md "What software must invalidate"; no entry is present
/// afterwards, so DMA faults.
/// </summary>
internal sealed class IntelBlockedDomain(IntelIommuDriver driver) : IntelUnpagedDomain
{
    public override LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => driver.AttachBlocked(device);

    public override LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => driver.BlockPasid(device, pasid);
}
