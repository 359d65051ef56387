namespace VtdEmu.Iommu;

/// <summary>
/// The driver's half of a domain (<c>iommu_domain_ops</c> plus the driver-set fields <c>pgsize_bitmap</c> and
/// <c>geometry</c>). The core wraps each instance in one <see cref="IommuDomain"/> and only calls the paging members
/// for paging domain types.
/// </summary>
public interface IIommuDomainOps
{
    /// <summary>Supported leaf sizes; the lowest set bit is the minimum alignment of map/unmap. 0 = cannot map.</summary>
    ulong PgsizeBitmap { get; }

    /// <summary>The advisory IOVA aperture.</summary>
    IommuGeometry Geometry { get; }

    /// <summary>True when the domain implements <c>set_dev_pasid</c>.</summary>
    bool SupportsSetDevPasid { get; }

    /// <summary>
    /// <c>attach_dev</c>: program <paramref name="device"/>'s RID to use this domain, moving it away from
    /// <paramref name="old"/> (null on first attach). EINVAL means "incompatible, another domain may work".
    /// </summary>
    LinuxError AttachDevice(IommuDevice device, IommuDomain? old);

    /// <summary><c>set_dev_pasid</c>: program <paramref name="pasid"/> of the device to use this domain.</summary>
    LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old);

    /// <summary>
    /// <c>map_pages</c>: map <paramref name="pgcount"/> leaves of <paramref name="pgsize"/>. Reports the bytes it
    /// mapped in <paramref name="mapped"/>, also on failure.
    /// </summary>
    LinuxError MapPages(ulong iova, ulong paddr, ulong pgsize, ulong pgcount, IommuProt prot, out ulong mapped);

    /// <summary>
    /// <c>unmap_pages</c>: unmap up to <paramref name="pgcount"/> × <paramref name="pgsize"/> bytes starting at
    /// <paramref name="iova"/>, adding what it removed to <paramref name="gather"/>. Returns bytes unmapped (0 stops the core).
    /// </summary>
    ulong UnmapPages(ulong iova, ulong pgsize, ulong pgcount, ref IommuIotlbGather gather);

    /// <summary><c>iova_to_phys</c>: the physical address <paramref name="iova"/> translates to, 0 if unmapped.</summary>
    ulong IovaToPhys(ulong iova);

    /// <summary><c>iotlb_sync_map</c>: make new mappings visible (caching mode / write-buffer flush).</summary>
    LinuxError IotlbSyncMap(ulong iova, ulong size);

    /// <summary><c>iotlb_sync</c>: invalidate the gathered range after a strict unmap.</summary>
    void IotlbSync(in IommuIotlbGather gather);

    /// <summary><c>flush_iotlb_all</c>: invalidate everything cached for this domain (flush-queue drain).</summary>
    void FlushIotlbAll();

    /// <summary><c>free</c>: release the driver's resources. Never called while the domain is attached.</summary>
    void Free();

    /// <summary>
    /// <c>cache_invalidate_user</c> (nested domains): runs <paramref name="entries"/> in order, stopping at the first
    /// refused one; <paramref name="processed"/> = how many ran. Domains without it answer EOPNOTSUPP.
    /// </summary>
    LinuxError CacheInvalidateUser(ReadOnlySpan<IommuHwptVtdS1Invalidate> entries, out int processed)
    {
        processed = 0;
        return LinuxError.EOPNOTSUPP;
    }
}
