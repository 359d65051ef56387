namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The driver's static IDENTITY domain (spec-notes/intel-driver.md "Attach"), offered only when ECAP.PT: attach writes
/// pass-through context entries (TT = 10, DID 1, AW = the largest supported AGAW).
/// </summary>
internal sealed class IntelIdentityDomain(IntelIommuDriver driver) : IIommuDomainOps
{
    public ulong PgsizeBitmap => 0;

    public IommuGeometry Geometry => default;

    public bool SupportsSetDevPasid => true;

    public LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => driver.AttachIdentity(device);

    public LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => driver.SetPasidIdentity(device, pasid);

    public LinuxError MapPages(ulong iova, ulong paddr, ulong pgsize, ulong pgcount, IommuProt prot, out ulong mapped)
    {
        mapped = 0;
        return LinuxError.EINVAL;
    }

    public ulong UnmapPages(ulong iova, ulong pgsize, ulong pgcount, ref IommuIotlbGather gather) => 0;

    public ulong IovaToPhys(ulong iova) => iova;

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
