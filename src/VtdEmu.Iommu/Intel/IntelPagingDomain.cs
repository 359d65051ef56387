using System.Diagnostics;
using VtdEmu.Memory;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// A paging domain of the Intel driver (spec-notes/intel-driver.md "Paging domains"): second-level or (scalable mode
/// with FLTS) first-level page tables in guest memory with the unit's AGAW, leaves of 4 KiB / 2 MiB / 1 GiB, and the
/// IOTLB / device-TLB invalidations of strict unmap, lazy (flush-queue) drain and caching-mode map. The domain is
/// attached to (device, PASID) pairs — PASID 0 is the device's RID (legacy context entry or scalable RID_PASID entry);
/// it holds one DID on its unit while any pair is attached. Map/unmap outcomes follow the ≥ v6.19 generic page table:
/// overlap → EADDRINUSE, beyond the width → ERANGE, start inside a larger leaf → nothing unmapped, end inside a larger
/// leaf → the whole leaf unmapped. Table pages that become empty are unlinked at once but freed only after the IOTLB
/// flush that follows (strict sync or flush-queue drain). Sequences: spec-notes/intel-driver.md.
/// </summary>
internal sealed class IntelPagingDomain : IIommuDomainOps, IIntelTaggedDomain
{
    private const ulong OutputLimit = 1UL << 52;

    private readonly Lock _lock = new();
    private readonly IntelIommuDriver _driver;
    private readonly int _levels;
    private readonly ulong _maxAddress;
    private readonly List<ulong> _pendingFree = [];

    // The nested domains on this parent (Linux s1_domains): their combined translations go stale when this second
    // level changes, so every flush of the parent also invalidates by their DIDs (spec-notes/nested-domains.md).
    private readonly List<IntelNestedDomain> _children = [];

    public IntelPagingDomain(IntelIommuDriver driver, ulong root, bool firstLevel, bool dirtyTracking, bool nestParent = false)
    {
        _driver = driver;
        Root = root;
        FirstLevel = firstLevel;
        DirtyTracking = dirtyTracking;
        NestParent = nestParent;
        _levels = driver.Agaw + 2;

        // First-level tables take canonical addresses: the top bit of the width is the sign bit
        // (spec-notes/intel-driver.md "Scalable mode", first-level entries).
        int width = firstLevel ? driver.AddressWidth - 1 : driver.AddressWidth;
        _maxAddress = (1UL << width) - 1;
        Geometry = new IommuGeometry(0, _maxAddress, ForceAperture: true);
        PgsizeBitmap = driver.PgsizeBitmapFor(firstLevel);
    }

    /// <summary>Top-level table (SLPTPTR or FLPTPTR).</summary>
    public ulong Root { get; }

    /// <summary>True for first-level tables (PGTT 001), false for second-level (legacy, PGTT 010).</summary>
    public bool FirstLevel { get; }

    /// <summary>Allocated with IOMMU_HWPT_ALLOC_DIRTY_TRACKING: PASID entries set SLADE.</summary>
    public bool DirtyTracking { get; }

    /// <summary>Allocated with IOMMU_HWPT_ALLOC_NEST_PARENT: nested domains may sit on it (second-level tables).</summary>
    public bool NestParent { get; }

    /// <summary>Levels of the page table (4 or 5 for first level).</summary>
    public int Levels => _levels;

    /// <summary>The domain's DID on its unit while attached, else 0.</summary>
    public ushort Did => Tags.Did;

    /// <summary>The DID and the attached (device, PASID) pairs.</summary>
    public IntelDomainTags Tags { get; } = new();

    public ulong PgsizeBitmap { get; }

    public IommuGeometry Geometry { get; }

    public bool SupportsSetDevPasid => true;

    public LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => _driver.AttachPaging(device, this);

    public LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => _driver.SetPasidPaging(device, pasid, this);

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

                ulong leafSize = PageGeometry.LevelSize(level);
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

            ulong size = PageGeometry.LevelSize(level);
            return (Read(slot) & SecondLevelPte.AddressMask & ~(size - 1)) | (iova & (size - 1));
        }
    }

    /// <summary>
    /// Linux <c>iotlb_sync_map</c>: a second-level domain on a CM = 1 unit → page-selective IOTLB invalidation
    /// (IH = 0) of the new range, because a caching-mode unit may hold the not-present entries; otherwise (CM = 0, or
    /// first-level tables, whose not-present entries are never cached) → write-buffer flush when CAP.RWBF.
    /// Device-TLBs are never flushed on map (ATS does not cache not-present).
    /// </summary>
    public LinuxError IotlbSyncMap(ulong iova, ulong size)
    {
        lock (_lock)
        {
            ushort did = Tags.Did;
            if (_driver.Caps.CM && !FirstLevel)
            {
                if (did != 0)
                {
                    _ = _driver.Invalidator.IotlbRange(did, iova, iova + size - 1, ih: false);
                }

                FlushChildren(childDid => _driver.Invalidator.IotlbRange(childDid, iova, iova + size - 1, ih: false), deviceTlb: false);
            }
            else if (did == 0)
            {
                return LinuxError.Success;
            }
            else
            {
                _driver.FlushWriteBuffer();
            }

            return LinuxError.Success;
        }
    }

    /// <summary>
    /// Strict unmap (Linux <c>cache_tag_flush_range</c>), per attachment in attach order: the first time a PASID is
    /// seen its IOTLB invalidation (second level: page-selective by DID; first level: PASID-based page-selective for
    /// (DID, PASID)), IH = 1 only if no table page was freed; then, for an ATS device, device-TLB invalidation of the
    /// same range (PASID 0) or of the PASID. Then the freed pages go back.
    /// </summary>
    public void IotlbSync(in IommuIotlbGather gather)
    {
        lock (_lock)
        {
            if (!gather.IsEmpty && !_driver.Options.SkipUnmapFlush)
            {
                bool ih = _pendingFree.Count == 0;
                ulong address = IntelInvalidator.PsiRange(gather.Start, gather.End, out int mask);
                ulong start = gather.Start;
                ulong end = gather.End;
                Tags.Flush(
                    (did, pasid) => FirstLevel
                        ? _driver.Invalidator.PasidIotlbRange(did, pasid, start, end, ih)
                        : _driver.Invalidator.IotlbRange(did, start, end, ih),
                    (device, pasid) => pasid == 0
                        ? _driver.Invalidator.DeviceTlb(device.Sid, address, mask)
                        : _driver.Invalidator.DeviceTlbPasidAll(device.Sid, pasid));
                FlushChildren(childDid => _driver.Invalidator.IotlbRange(childDid, start, end, ih), deviceTlb: true);
            }

            ReleasePending();
        }
    }

    /// <summary>
    /// Flush-queue drain (Linux <c>intel_flush_iotlb_all</c>), per attachment as in <see cref="IotlbSync"/>: IOTLB
    /// domain-selective (second level) or PASID-based for every address (first level), device-TLB all; then free
    /// pages.
    /// </summary>
    public void FlushIotlbAll()
    {
        lock (_lock)
        {
            Tags.Flush(
                (did, pasid) => FirstLevel ? _driver.Invalidator.PasidIotlbAll(did, pasid) : _driver.Invalidator.IotlbDomain(did),
                (device, pasid) => _driver.Invalidator.DeviceTlbPasidAll(device.Sid, pasid));
            FlushChildren(_driver.Invalidator.IotlbDomain, deviceTlb: true);
            ReleasePending();
        }
    }

    public void Free()
    {
        lock (_lock)
        {
            Debug.Assert(Tags.Count == 0, "the core never frees an attached domain");
            FreeTable(Root, _levels);
            ReleasePending();
        }
    }

    /// <summary>
    /// The PASID-table entry that points at this domain (scalable mode; Linux <c>intel_pasid_setup_first_level</c> /
    /// <c>intel_pasid_setup_second_level</c>).
    /// </summary>
    public PasidEntryWords PasidEntry(ushort did) => FirstLevel
        ? PasidEntryWords.FirstLevel(Root, _levels == 5, _driver.Agaw, did, _driver.Caps.SMPWCS)
        : PasidEntryWords.SecondLevel(Root, _driver.Agaw, did, _driver.Caps.SMPWCS, DirtyTracking);

    /// <summary>True when <paramref name="driver"/> allocated this domain.</summary>
    internal bool IsOwnedBy(IntelIommuDriver driver) => ReferenceEquals(driver, _driver);

    /// <summary>Registers a nested domain allocated on this parent.</summary>
    internal void AddChild(IntelNestedDomain child)
    {
        lock (_lock)
        {
            _children.Add(child);
        }
    }

    /// <summary>Forgets a freed nested domain.</summary>
    internal void RemoveChild(IntelNestedDomain child)
    {
        lock (_lock)
        {
            _ = _children.Remove(child);
        }
    }

    // Linux cache_tag_flush_* over the parent's nesting tags: per attached child, an IOTLB invalidation of the second-level
    // form with the child's DID (the range names guest-physical addresses; the unit drops every nested entry of that DID,
    // spec-notes/nested.md §4), then device-TLB "all" for its ATS devices (their cached addresses are the guest's input).
    private void FlushChildren(Func<ushort, LinuxError> iotlb, bool deviceTlb)
    {
        foreach (IntelNestedDomain child in _children)
        {
            bool flushed = false;
            child.Tags.Flush(
                (did, _) =>
                {
                    if (flushed)
                    {
                        return LinuxError.Success;
                    }

                    flushed = true;
                    return iotlb(did);
                },
                (device, pasid) => deviceTlb ? _driver.Invalidator.DeviceTlbPasidAll(device.Sid, pasid) : LinuxError.Success);
        }
    }

    private static int LevelOf(ulong pgsize) => PageGeometry.LevelOf(System.Numerics.BitOperations.Log2(pgsize));

    private LinuxError MapOne(ulong iova, ulong paddr, int leafLevel, IommuProt prot)
    {
        ulong table = Root;
        for (int level = _levels; level > leafLevel; level--)
        {
            ulong slot = table + (PageGeometry.Index(iova, level) * 8);
            ulong pte = Read(slot);
            if (!SecondLevelPte.IsPresent(pte))
            {
                if (!_driver.Pages.TryAllocate(out ulong next))
                {
                    _driver.Report(IntelDriverDiagnostic.OutOfPages);
                    return LinuxError.ENOMEM;
                }

                pte = FirstLevel ? FirstLevelPte.Table(next) : SecondLevelPte.Table(next);
                Write(slot, pte);
            }
            else if (SecondLevelPte.IsLeaf(pte, level))
            {
                return LinuxError.EADDRINUSE;
            }

            table = pte & SecondLevelPte.AddressMask;
        }

        ulong leafSlot = table + (PageGeometry.Index(iova, leafLevel) * 8);
        if (SecondLevelPte.IsPresent(Read(leafSlot)))
        {
            return LinuxError.EADDRINUSE;
        }

        Write(leafSlot, FirstLevel ? FirstLevelPte.Leaf(paddr, leafLevel, prot) : SecondLevelPte.Leaf(paddr, leafLevel, prot));
        return LinuxError.Success;
    }

    // path[level] = the table walked at that level; level/slot = the leaf found.
    private bool FindLeaf(ulong iova, Span<ulong> path, out int level, out ulong slot)
    {
        ulong table = Root;
        for (level = _levels; level >= 1; level--)
        {
            path[level] = table;
            slot = table + (PageGeometry.Index(iova, level) * 8);
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

            Write(path[level + 1] + (PageGeometry.Index(iova, level + 1) * 8), 0);
            _pendingFree.Add(table);
        }
    }

    private bool IsEmpty(ulong table)
    {
        for (int i = 0; i < PageGeometry.EntriesPerTable; i++)
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
            for (int i = 0; i < PageGeometry.EntriesPerTable; i++)
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
