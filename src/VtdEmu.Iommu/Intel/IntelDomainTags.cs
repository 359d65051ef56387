namespace VtdEmu.Iommu.Intel;

/// <summary>
/// What a domain holds on its unit while attached (Linux <c>domain_attach_iommu</c> + the domain's cache tags,
/// spec-notes/intel-driver.md "Domain IDs"): one DID, taken by the first (device, PASID) pair and returned with the
/// last, and the pairs in attach order — the order the domain's invalidations walk. Thread-safe.
/// </summary>
internal sealed class IntelDomainTags
{
    private readonly Lock _lock = new();
    private readonly List<(IntelDeviceInfo Device, uint Pasid)> _attachments = [];
    private ushort _did;

    /// <summary>The DID while any pair is attached, else 0.</summary>
    public ushort Did
    {
        get
        {
            lock (_lock)
            {
                return _did;
            }
        }
    }

    /// <summary>Number of attached pairs.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _attachments.Count;
            }
        }
    }

    /// <summary>Joins (<paramref name="device"/>, <paramref name="pasid"/>); the first pair takes a DID (ENOSPC when exhausted).</summary>
    public LinuxError Add(IntelDeviceInfo device, uint pasid, DomainIdAllocator ids, out ushort did)
    {
        lock (_lock)
        {
            if (_did == 0)
            {
                LinuxError r = ids.Allocate(out ushort fresh);
                if (r != LinuxError.Success)
                {
                    did = 0;
                    return r;
                }

                _did = fresh;
            }

            _attachments.Add((device, pasid));
            did = _did;
            return LinuxError.Success;
        }
    }

    /// <summary>Leaves; the last pair returns the DID.</summary>
    public void Remove(IntelDeviceInfo device, uint pasid, DomainIdAllocator ids)
    {
        lock (_lock)
        {
            _ = _attachments.Remove((device, pasid));
            if (_attachments.Count == 0 && _did != 0)
            {
                ids.Free(_did);
                _did = 0;
            }
        }
    }

    /// <summary>
    /// Linux <c>cache_tag_flush_*</c> order, per pair in attach order: <paramref name="iotlb"/> the first time a PASID is
    /// met (with the DID), then <paramref name="deviceTlb"/> for a device with ATS enabled. Nothing while unattached.
    /// </summary>
    public void Flush(Func<ushort, uint, LinuxError> iotlb, Func<IntelDeviceInfo, uint, LinuxError> deviceTlb)
    {
        lock (_lock)
        {
            for (int i = 0; i < _attachments.Count; i++)
            {
                (IntelDeviceInfo device, uint pasid) = _attachments[i];
                if (_attachments.FindIndex(a => a.Pasid == pasid) == i)
                {
                    _ = iotlb(_did, pasid);
                }

                if (device.AtsEnabled)
                {
                    _ = deviceTlb(device, pasid);
                }
            }
        }
    }
}
