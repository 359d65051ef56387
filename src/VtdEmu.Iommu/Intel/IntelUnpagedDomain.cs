namespace VtdEmu.Iommu.Intel;

/// <summary>
/// The half of <see cref="IIommuDomainOps"/> that domains without driver page tables share (blocked, identity, nested):
/// no page sizes, map refused with EINVAL, nothing to unmap, sync or flush. Subclasses say how they attach.
/// </summary>
internal abstract class IntelUnpagedDomain : IIommuDomainOps
{
    public ulong PgsizeBitmap => 0;

    public IommuGeometry Geometry => default;

    public bool SupportsSetDevPasid => true;

    public abstract LinuxError AttachDevice(IommuDevice device, IommuDomain? old);

    public abstract LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old);

    public LinuxError MapPages(ulong iova, ulong paddr, ulong pgsize, ulong pgcount, IommuProt prot, out ulong mapped)
    {
        mapped = 0;
        return LinuxError.EINVAL;
    }

    public ulong UnmapPages(ulong iova, ulong pgsize, ulong pgcount, ref IommuIotlbGather gather) => 0;

    public virtual ulong IovaToPhys(ulong iova) => 0;

    public LinuxError IotlbSyncMap(ulong iova, ulong size) => LinuxError.Success;

    public void IotlbSync(in IommuIotlbGather gather)
    {
    }

    public void FlushIotlbAll()
    {
    }

    public virtual void Free()
    {
    }

    /// <summary>Only nested domains take user-side invalidations; the others answer as a driver without the op does.</summary>
    public virtual LinuxError CacheInvalidateUser(ReadOnlySpan<IommuHwptVtdS1Invalidate> entries, out int processed)
    {
        processed = 0;
        return LinuxError.EOPNOTSUPP;
    }
}
