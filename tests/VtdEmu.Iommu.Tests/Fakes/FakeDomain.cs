using VtdEmu.Iommu;

namespace VtdEmu.Iommu.Tests.Fakes;

/// <summary>
/// A fake driver domain with an in-memory "page table" (a sorted list of leaves) following the ≥ v6.19
/// generic-page-table outcomes: beyond the aperture → ERANGE, overlap → EADDRINUSE, no R/W → EINVAL, unmap
/// starting inside a leaf removes nothing, ending inside a leaf removes the whole leaf, a hole stops the unmap.
/// </summary>
internal sealed class FakeDomain : IIommuDomainOps
{
    private static int s_serial;
    private readonly Lock _lock = new();
    private readonly SortedList<ulong, (ulong Paddr, ulong Size)> _leaves = [];
    private readonly List<(ulong Start, ulong End)> _syncs = [];
    private int _leavesMappedTotal;

    public FakeDomain(FakeIommuDriver driver, IommuDomainType kind)
    {
        Driver = driver;
        Kind = kind;
        Serial = Interlocked.Increment(ref s_serial);
    }

    public FakeIommuDriver Driver { get; }

    public IommuDomainType Kind { get; }

    public int Serial { get; }

    public bool DirtyTracking { get; init; }

    public ulong PgsizeBitmap => Kind == IommuDomainType.Unmanaged ? Driver.PgsizeBitmap : 0;

    public IommuGeometry Geometry => Driver.Geometry;

    public bool SupportsSetDevPasid => Driver.DomainsSupportPasid;

    /// <summary>Fail map_pages with ENOMEM once this many leaves were installed in this domain (null = never).</summary>
    public int? FailMapAfterLeaves { get; set; }

    public LinuxError SyncMapError { get; set; } = LinuxError.Success;

    public int SyncMapCalls { get; private set; }

    public int FlushAllCalls { get; private set; }

    public bool Freed { get; private set; }

    public List<(ulong Pgsize, ulong Count)> MapCalls { get; } = [];

    public IReadOnlyList<(ulong Start, ulong End)> IotlbSyncs
    {
        get
        {
            lock (_lock)
            {
                return [.. _syncs];
            }
        }
    }

    public int LeafCount
    {
        get
        {
            lock (_lock)
            {
                return _leaves.Count;
            }
        }
    }

    public LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => Driver.Attach(this, device);

    public LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => Driver.SetPasid(this, device, pasid);

    public LinuxError MapPages(ulong iova, ulong paddr, ulong pgsize, ulong pgcount, IommuProt prot, out ulong mapped)
    {
        mapped = 0;
        lock (_lock)
        {
            MapCalls.Add((pgsize, pgcount));
            if ((prot & (IommuProt.Read | IommuProt.Write)) == 0)
            {
                return LinuxError.EINVAL;
            }

            for (ulong i = 0; i < pgcount; i++)
            {
                ulong a = iova + (i * pgsize);
                if (a < Geometry.ApertureStart || a > Geometry.ApertureEnd || pgsize - 1 > Geometry.ApertureEnd - a)
                {
                    return LinuxError.ERANGE;
                }

                if (FindLeaf(a, pgsize) >= 0)
                {
                    return LinuxError.EADDRINUSE;
                }

                if (FailMapAfterLeaves is int limit && _leavesMappedTotal >= limit)
                {
                    return LinuxError.ENOMEM;
                }

                _leaves.Add(a, (paddr + (i * pgsize), pgsize));
                _leavesMappedTotal++;
                mapped += pgsize;
            }

            return LinuxError.Success;
        }
    }

    public ulong UnmapPages(ulong iova, ulong pgsize, ulong pgcount, ref IommuIotlbGather gather)
    {
        lock (_lock)
        {
            ulong target = pgsize * pgcount;
            ulong done = 0;
            ulong cur = iova;
            while (done < target)
            {
                int index = FindLeaf(cur, 1);
                if (index < 0 || _leaves.Keys[index] != cur)
                {
                    break;
                }

                ulong size = _leaves.Values[index].Size;
                _leaves.RemoveAt(index);
                gather.Add(cur, size);
                done += size;
                cur = unchecked(cur + size);
            }

            return done;
        }
    }

    public ulong IovaToPhys(ulong iova)
    {
        lock (_lock)
        {
            int index = FindLeaf(iova, 1);
            return index < 0 ? 0 : _leaves.Values[index].Paddr + (iova - _leaves.Keys[index]);
        }
    }

    public LinuxError IotlbSyncMap(ulong iova, ulong size)
    {
        lock (_lock)
        {
            SyncMapCalls++;
            return SyncMapError;
        }
    }

    public void IotlbSync(in IommuIotlbGather gather)
    {
        lock (_lock)
        {
            _syncs.Add((gather.Start, gather.End));
        }
    }

    public void FlushIotlbAll()
    {
        lock (_lock)
        {
            FlushAllCalls++;
        }
    }

    public void Free() => Freed = true;

    /// <summary>Index of a leaf overlapping [start, start + length), or -1.</summary>
    private int FindLeaf(ulong start, ulong length)
    {
        IList<ulong> keys = _leaves.Keys;
        int lo = 0;
        int hi = keys.Count - 1;
        int floor = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (keys[mid] <= start)
            {
                floor = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (floor >= 0 && start - keys[floor] < _leaves.Values[floor].Size)
        {
            return floor;
        }

        int after = floor + 1;
        return after < keys.Count && keys[after] - start < length ? after : -1;
    }
}
