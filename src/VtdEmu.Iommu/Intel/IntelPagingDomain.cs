using System.Diagnostics;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// A paging domain of the Intel driver (reference §4.5, §4.6): second-level page tables in guest memory with the
/// unit's AGAW, leaves of 4 KiB / 2 MiB / 1 GiB, and the IOTLB / device-TLB invalidations of strict unmap, lazy
/// (flush-queue) drain and caching-mode map. Map/unmap outcomes follow the ≥ v6.19 generic page table: overlap →
/// EADDRINUSE, beyond the width → ERANGE, start inside a larger leaf → nothing unmapped, end inside a larger leaf →
/// the whole leaf unmapped. Table pages that become empty are unlinked at once but freed only after the IOTLB
/// flush that follows (strict sync or flush-queue drain).
/// </summary>
internal sealed class IntelPagingDomain : IIommuDomainOps
{
    private const ulong OutputLimit = 1UL << 52;

    private readonly Lock _lock = new();
    private readonly IntelIommuDriver _driver;
    private readonly int _levels;
    private readonly ulong _maxAddress;
    private readonly List<IntelDeviceInfo> _devices = [];
    private readonly List<ulong> _pendingFree = [];
    private ushort _did;

    public IntelPagingDomain(IntelIommuDriver driver, ulong root)
    {
        _driver = driver;
        Root = root;
        _levels = driver.Agaw + 2;
        _maxAddress = (1UL << driver.AddressWidth) - 1;
        Geometry = new IommuGeometry(0, _maxAddress, ForceAperture: true);
    }

    /// <summary>Top-level table (the context entry's SLPTPTR).</summary>
    public ulong Root { get; }

    /// <summary>The domain's DID on its unit while attached, else 0.</summary>
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

    public ulong PgsizeBitmap => _driver.PgsizeBitmap;

    public IommuGeometry Geometry { get; }

    public bool SupportsSetDevPasid => false;

    public LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => _driver.AttachPaging(device, this);

    public LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => LinuxError.EOPNOTSUPP;

    public LinuxError MapPages(ulong iova, ulong paddr, ulong pgsize, ulong pgcount, IommuProt prot, out ulong mapped)
    {
        mapped = 0;
        if ((prot & (IommuProt.Read | IommuProt.Write)) == 0 || (pgsize & PgsizeBitmap) == 0 || (pgsize & (pgsize - 1)) != 0
            || ((iova | paddr) & (pgsize - 1)) != 0 || pgcount == 0)
        {
            return LinuxError.EINVAL;
        }

        if (pgcount > ulong.MaxValue / pgsize)
        {
            return LinuxError.ERANGE;
        }

        ulong size = pgsize * pgcount;
        if (iova > _maxAddress || size - 1 > _maxAddress - iova
            || paddr >= OutputLimit || size - 1 > OutputLimit - 1 - paddr)
        {
            return LinuxError.ERANGE;
        }

        int level = LevelOf(pgsize);
        lock (_lock)
        {
            for (ulong i = 0; i < pgcount; i++)
            {
                LinuxError r = MapOne(iova + (i * pgsize), paddr + (i * pgsize), level, prot);
                if (r != LinuxError.Success)
                {
                    return r;
                }

                mapped += pgsize;
            }
        }

        return LinuxError.Success;
    }

    public ulong UnmapPages(ulong iova, ulong pgsize, ulong pgcount, ref IommuIotlbGather gather)
    {
        ulong target = pgcount > ulong.MaxValue / pgsize ? ulong.MaxValue : pgsize * pgcount;
        ulong done = 0;
        Span<ulong> path = stackalloc ulong[6];
        lock (_lock)
        {
            while (done < target)
            {
                ulong cur = unchecked(iova + done);
                if (cur > _maxAddress || !FindLeaf(cur, path, out int level, out ulong slot))
                {
                    break;
                }

                ulong leafSize = SecondLevelPte.LevelSize(level);
                if ((cur & (leafSize - 1)) != 0)
                {
                    break;
                }

                Write(slot, 0);
                gather.Add(cur, leafSize);
                done += leafSize;
                ReleaseEmptyTables(cur, path, level);
            }
        }

        return done;
    }

    public ulong IovaToPhys(ulong iova)
    {
        Span<ulong> path = stackalloc ulong[6];
        lock (_lock)
        {
            if (iova > _maxAddress || !FindLeaf(iova, path, out int level, out ulong slot))
            {
                return 0;
            }

            ulong size = SecondLevelPte.LevelSize(level);
            return (Read(slot) & SecondLevelPte.AddressMask & ~(size - 1)) | (iova & (size - 1));
        }
    }

    /// <summary>
    /// Linux <c>iotlb_sync_map</c> for a second-level domain: CM = 1 → page-selective IOTLB invalidation (IH = 0) of
    /// the new range, because a caching-mode unit may hold the not-present entries; CM = 0 → write-buffer flush when
    /// CAP.RWBF. Device-TLBs are never flushed on map (ATS does not cache not-present).
    /// </summary>
    public LinuxError IotlbSyncMap(ulong iova, ulong size)
    {
        lock (_lock)
        {
            if (_did == 0)
            {
                return LinuxError.Success;
            }

            if (_driver.Caps.CM)
            {
                _ = _driver.Invalidator.IotlbRange(_did, iova, iova + size - 1, ih: false);
            }
            else
            {
                _driver.FlushWriteBuffer();
            }

            return LinuxError.Success;
        }
    }

    /// <summary>
    /// Strict unmap (Linux <c>intel_iommu_tlb_sync</c>): IOTLB page-selective for the gathered range, IH = 1 only if
    /// no table page was freed, then device-TLB for the same range per ATS device; then the freed pages go back.
    /// </summary>
    public void IotlbSync(in IommuIotlbGather gather)
    {
        lock (_lock)
        {
            if (!gather.IsEmpty && _did != 0 && !_driver.Options.SkipUnmapFlush)
            {
                bool ih = _pendingFree.Count == 0;
                _ = _driver.Invalidator.IotlbRange(_did, gather.Start, gather.End, ih);
                ulong address = IntelInvalidator.PsiRange(gather.Start, gather.End, out int mask);
                foreach (IntelDeviceInfo device in _devices)
                {
                    if (device.AtsEnabled)
                    {
                        _ = _driver.Invalidator.DeviceTlb(device.Sid, address, mask);
                    }
                }
            }

            ReleasePending();
        }
    }

    /// <summary>Flush-queue drain (Linux <c>intel_flush_iotlb_all</c>): IOTLB domain-selective, device-TLB all, then free pages.</summary>
    public void FlushIotlbAll()
    {
        lock (_lock)
        {
            if (_did != 0)
            {
                _ = _driver.Invalidator.IotlbDomain(_did);
                foreach (IntelDeviceInfo device in _devices)
                {
                    if (device.AtsEnabled)
                    {
                        _ = _driver.Invalidator.DeviceTlbAll(device.Sid);
                    }
                }
            }

            ReleasePending();
        }
    }

    public void Free()
    {
        lock (_lock)
        {
            Debug.Assert(_devices.Count == 0, "the core never frees an attached domain");
            FreeTable(Root, _levels);
            ReleasePending();
        }
    }

    /// <summary>Joins <paramref name="device"/>; the first device on the unit takes a DID (ENOSPC when exhausted).</summary>
    internal LinuxError AddDevice(IntelDeviceInfo device, DomainIdAllocator ids, out ushort did)
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

            _devices.Add(device);
            device.Domain = this;
            did = _did;
            return LinuxError.Success;
        }
    }

    /// <summary>Leaves; the last device returns the DID.</summary>
    internal void RemoveDevice(IntelDeviceInfo device, DomainIdAllocator ids)
    {
        lock (_lock)
        {
            _devices.Remove(device);
            device.Domain = null;
            if (_devices.Count == 0 && _did != 0)
            {
                ids.Free(_did);
                _did = 0;
            }
        }
    }

    private static int LevelOf(ulong pgsize) => 1 + ((System.Numerics.BitOperations.Log2(pgsize) - SecondLevelPte.PageShift) / SecondLevelPte.LevelStride);

    private LinuxError MapOne(ulong iova, ulong paddr, int leafLevel, IommuProt prot)
    {
        ulong table = Root;
        for (int level = _levels; level > leafLevel; level--)
        {
            ulong slot = table + ((ulong)SecondLevelPte.Index(iova, level) * 8);
            ulong pte = Read(slot);
            if (!SecondLevelPte.IsPresent(pte))
            {
                if (!_driver.Pages.TryAllocate(out ulong next))
                {
                    _driver.Report(IntelDriverDiagnostic.OutOfPages);
                    return LinuxError.ENOMEM;
                }

                pte = SecondLevelPte.Table(next);
                Write(slot, pte);
            }
            else if (SecondLevelPte.IsLeaf(pte, level))
            {
                return LinuxError.EADDRINUSE;
            }

            table = pte & SecondLevelPte.AddressMask;
        }

        ulong leafSlot = table + ((ulong)SecondLevelPte.Index(iova, leafLevel) * 8);
        if (SecondLevelPte.IsPresent(Read(leafSlot)))
        {
            return LinuxError.EADDRINUSE;
        }

        Write(leafSlot, SecondLevelPte.Leaf(paddr, leafLevel, prot));
        return LinuxError.Success;
    }

    // path[level] = the table walked at that level; level/slot = the leaf found.
    private bool FindLeaf(ulong iova, Span<ulong> path, out int level, out ulong slot)
    {
        ulong table = Root;
        for (level = _levels; level >= 1; level--)
        {
            path[level] = table;
            slot = table + ((ulong)SecondLevelPte.Index(iova, level) * 8);
            ulong pte = Read(slot);
            if (!SecondLevelPte.IsPresent(pte))
            {
                return false;
            }

            if (SecondLevelPte.IsLeaf(pte, level))
            {
                return true;
            }

            table = pte & SecondLevelPte.AddressMask;
        }

        slot = 0;
        return false;
    }

    // Unlinks tables left empty by removing a leaf at leafLevel, bottom-up (never the root). Freed after the flush.
    private void ReleaseEmptyTables(ulong iova, Span<ulong> path, int leafLevel)
    {
        for (int level = leafLevel; level < _levels; level++)
        {
            ulong table = path[level];
            if (!IsEmpty(table))
            {
                return;
            }

            Write(path[level + 1] + ((ulong)SecondLevelPte.Index(iova, level + 1) * 8), 0);
            _pendingFree.Add(table);
        }
    }

    private bool IsEmpty(ulong table)
    {
        for (int i = 0; i < SecondLevelPte.EntriesPerTable; i++)
        {
            if (Read(table + ((ulong)i * 8)) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private void FreeTable(ulong table, int level)
    {
        if (level > 1)
        {
            for (int i = 0; i < SecondLevelPte.EntriesPerTable; i++)
            {
                ulong pte = Read(table + ((ulong)i * 8));
                if (SecondLevelPte.IsPresent(pte) && !SecondLevelPte.IsLeaf(pte, level))
                {
                    FreeTable(pte & SecondLevelPte.AddressMask, level - 1);
                }
            }
        }

        _pendingFree.Add(table);
    }

    private void ReleasePending()
    {
        foreach (ulong page in _pendingFree)
        {
            _driver.Pages.Free(page);
        }

        _pendingFree.Clear();
    }

    private ulong Read(ulong address)
    {
        bool ok = _driver.Memory.TryRead64(address, out ulong value);
        Debug.Assert(ok, "page tables live in the driver's RAM range");
        return value;
    }

    private void Write(ulong address, ulong value)
    {
        bool ok = _driver.Memory.TryWrite64(address, value);
        Debug.Assert(ok, "page tables live in the driver's RAM range");
    }
}
