namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The driver's static BLOCKED domain (spec-notes/intel-driver.md "Attach"): attach = clear the device's context
/// entries with the invalidations of spec-notes/caching.md "What software must invalidate"; no entry is present
/// afterwards, so DMA faults.
/// </summary>
internal sealed class IntelBlockedDomain(IntelIommuDriver driver) : IIommuDomainOps
{
    public ulong PgsizeBitmap => 0;

    public IommuGeometry Geometry => default;

    public bool SupportsSetDevPasid => true;

    public LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => driver.AttachBlocked(device);

    public LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => driver.BlockPasid(device, pasid);

    public LinuxError MapPages(ulong iova, ulong paddr, ulong pgsize, ulong pgcount, IommuProt prot, out ulong mapped)
    {
        mapped = 0;
        return LinuxError.EINVAL;
    }

    public ulong UnmapPages(ulong iova, ulong pgsize, ulong pgcount, ref IommuIotlbGather gather) => 0;

    public ulong IovaToPhys(ulong iova) => 0;

    public LinuxError IotlbSyncMap(ulong iova, ulong size) => LinuxError.Success;

    public void IotlbSync(in IommuIotlbGather gather)
    {
    }

    public void FlushIotlbAll()
    {
    }

    public void Free()
    {
    }
}
