namespace VtdEmu.Iommu.Intel;

/// <summary>
/// A nested domain (Linux <c>intel/nested.c</c>; spec-notes/nested-domains.md): the guest's first-level table
/// (<see cref="IommuHwptVtdS1"/>, owned by the guest, never written by the driver) on a nest-parent second-level
/// <see cref="Parent"/>. Attached to a device's RID or a PASID it programs a PGTT 011 PASID-table entry (VT-d spec §9.6)
/// with its own DID; it cannot map, and the guest keeps the unit's caches coherent through
/// <see cref="CacheInvalidateUser"/>, which becomes PASID-based IOTLB invalidations (§6.5.2.4) and, for ATS devices,
/// device-TLB invalidations. Forgetting that call leaves the stale translation in the IOTLB, as on hardware.
/// </summary>
internal sealed class IntelNestedDomain(IntelIommuDriver driver, IntelPagingDomain parent, IommuHwptVtdS1 config) : IntelUnpagedDomain, IIntelTaggedDomain
{
    /// <summary>The nest-parent second level (SLPTPTR, AW).</summary>
    public IntelPagingDomain Parent { get; } = parent;

    /// <summary>The guest's first-level configuration.</summary>
    public IommuHwptVtdS1 Config { get; } = config;

    /// <summary>The DID and the attached (device, PASID) pairs.</summary>
    public IntelDomainTags Tags { get; } = new();

    /// <summary>The domain's DID while attached, else 0.</summary>
    public ushort Did => Tags.Did;

    public override LinuxError AttachDevice(IommuDevice device, IommuDomain? old) => driver.AttachNested(device, this);

    public override LinuxError SetDevPasid(IommuDevice device, uint pasid, IommuDomain? old) => driver.SetPasidNested(device, pasid, this);

    /// <summary>Linux <c>pasid_pte_config_nestd</c>: the guest's first level over the parent's second level.</summary>
    public PasidEntryWords PasidEntry(ushort did) => PasidEntryWords.NestedEntry(
        Config.PgtblAddr,
        Config.AddrWidth == IommuHwptVtdS1.AddrWidth5Level,
        (Config.Flags & IommuVtdS1Flags.SRE) != 0,
        (Config.Flags & IommuVtdS1Flags.WPE) != 0,
        (Config.Flags & IommuVtdS1Flags.EAFE) != 0,
        Parent.Root,
        driver.Agaw,
        Parent.DirtyTracking,
        did,
        driver.Caps.SMPWCS);

    /// <summary>
    /// Linux <c>intel_nested_cache_invalidate_user</c>: per entry, flags other than LEAF or a reserved field →
    /// EOPNOTSUPP; an address not 4 KiB aligned, or npages = U64_MAX with a non-zero address → EINVAL; else
    /// <c>cache_tag_flush_range</c> over the domain's attachments: PASID-based IOTLB for (DID, PASID), page-selective for
    /// the range (IH = LEAF) or every address for U64_MAX pages, then the device-TLB of each ATS device. Stops at the
    /// first refused entry.
    /// </summary>
    public override LinuxError CacheInvalidateUser(ReadOnlySpan<IommuHwptVtdS1Invalidate> entries, out int processed)
    {
        processed = 0;
        foreach (IommuHwptVtdS1Invalidate e in entries)
        {
            if ((e.Flags & ~IommuVtdInvalidateFlags.Leaf) != 0 || e.Reserved != 0)
            {
                return LinuxError.EOPNOTSUPP;
            }

            if ((e.Addr & (GuestPageAllocator.PageSize - 1)) != 0 || (e.Npages == IommuHwptVtdS1Invalidate.AllPages && e.Addr != 0))
            {
                return LinuxError.EINVAL;
            }

            Flush(e.Addr, e.Npages, (e.Flags & IommuVtdInvalidateFlags.Leaf) != 0);
            processed++;
        }

        return LinuxError.Success;
    }

    public override void Free() => Parent.RemoveChild(this);

    // npages 0 flushes nothing; a range that runs past 2^64 (or U64_MAX pages) flushes every address of the PASID —
    // coarser than asked, which the spec always allows (spec-notes/nested-domains.md).
    private void Flush(ulong addr, ulong npages, bool leaf)
    {
        if (npages == 0)
        {
            return;
        }

        bool all = npages > (ulong.MaxValue - addr) / GuestPageAllocator.PageSize;
        ulong end = all ? ulong.MaxValue : addr + (npages * GuestPageAllocator.PageSize) - 1;
        ulong address = IntelInvalidator.PsiRange(addr, end, out int mask);
        IntelInvalidator inv = driver.Invalidator;
        Tags.Flush(
            (did, pasid) => all ? inv.PasidIotlbAll(did, pasid) : inv.PasidIotlbRange(did, pasid, addr, end, leaf),
            (device, pasid) => pasid == 0 && !all ? inv.DeviceTlb(device.Sid, address, mask) : inv.DeviceTlbPasidAll(device.Sid, pasid));
    }
}
