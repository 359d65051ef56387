using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Scalable-mode programming (VT-d spec §3.4, §9.4–§9.6, §6.5.2; Linux <c>intel/pasid.c</c>; spec-notes/intel-driver.md
/// "Scalable mode"): scalable context entries written once at probe, PASID-table entries per attachment (RID_PASID = 0
/// for the device's own domain, other PASIDs through set_dev_pasid), and the PASID-cache / PASID-based IOTLB /
/// device-TLB invalidations in Linux's order. Sequences: spec-notes/intel-driver.md "Scalable mode".
/// </summary>
public sealed partial class IntelIommuDriver
{
    /// <summary>IOMMU_NO_PASID: the PASID the context entry's RID_PASID names (0 as Linux programs it).</summary>
    private const uint RidPasid = 0;

    /// <summary>PASID-capable: paging domain on <paramref name="pasid"/> (Linux <c>intel_iommu_set_dev_pasid</c>).</summary>
    internal LinuxError SetPasidPaging(IommuDevice device, uint pasid, IntelPagingDomain domain)
    {
        lock (_lock)
        {
            LinuxError r = CheckPasidDevice(device, out IntelDeviceInfo? info);
            if (r != LinuxError.Success)
            {
                return r;
            }

            return InstallPasid(info!, pasid, domain, domain.PasidEntry);
        }
    }

    /// <summary>Identity domain on <paramref name="pasid"/>: a pass-through entry (PGTT 100, DID 1).</summary>
    internal LinuxError SetPasidIdentity(IommuDevice device, uint pasid)
    {
        lock (_lock)
        {
            LinuxError r = CheckPasidDevice(device, out IntelDeviceInfo? info);
            if (r != LinuxError.Success)
            {
                return r;
            }

            r = ProgramPasidEntry(info!, pasid, PassThroughEntry());
            if (r == LinuxError.Success)
            {
                ReleasePasidDomain(info!, pasid);
            }

            return r;
        }
    }

    /// <summary>Blocked domain on <paramref name="pasid"/> (Linux <c>blocking_domain_set_dev_pasid</c>): tear the entry down.</summary>
    internal LinuxError BlockPasid(IommuDevice device, uint pasid)
    {
        lock (_lock)
        {
            if (device.DriverData is not IntelDeviceInfo info)
            {
                return LinuxError.ENODEV;
            }

            TearDownPasidEntry(info, pasid);
            ReleasePasidDomain(info, pasid);
            return LinuxError.Success;
        }
    }

    /// <summary>
    /// Scalable RID attach after the block (paging and nested domains): the domain's DID, a new RID_PASID entry, then
    /// ATS. A failure leaves the device blocked.
    /// </summary>
    private LinuxError AttachRidPasid(IntelDeviceInfo info, IIntelTaggedDomain domain, Func<ushort, PasidEntryWords> entry)
    {
        LinuxError r = domain.Tags.Add(info, RidPasid, _domainIds, out ushort did);
        if (r != LinuxError.Success)
        {
            return r;
        }

        info.Domain = domain;
        r = ProgramPasidEntry(info, RidPasid, entry(did));
        if (r != LinuxError.Success)
        {
            BlockTranslation(info);
            return r;
        }

        info.AtsEnabled = info.AtsSupported;
        return LinuxError.Success;
    }

    /// <summary>
    /// set_dev_pasid for paging and nested domains: the domain's DID, the entry installed or replaced, then the old
    /// domain leaves the PASID (its DID freed with its last attachment).
    /// </summary>
    private LinuxError InstallPasid(IntelDeviceInfo info, uint pasid, IIntelTaggedDomain domain, Func<ushort, PasidEntryWords> entry)
    {
        LinuxError r = domain.Tags.Add(info, pasid, _domainIds, out ushort did);
        if (r != LinuxError.Success)
        {
            return r;
        }

        r = ProgramPasidEntry(info, pasid, entry(did));
        if (r != LinuxError.Success)
        {
            domain.Tags.Remove(info, pasid, _domainIds);
            return r;
        }

        ReleasePasidDomain(info, pasid);
        info.PasidDomains[pasid] = domain;
        return LinuxError.Success;
    }

    /// <summary>The pass-through entry of identity attachments: DID 1 (FLPT_DEFAULT_DID), AW = the unit's AGAW.</summary>
    private PasidEntryWords PassThroughEntry() => PasidEntryWords.PassThrough(Agaw, PassThroughDid, Caps.SMPWCS);

    private LinuxError CheckPasidDevice(IommuDevice device, out IntelDeviceInfo? info)
    {
        info = device.DriverData as IntelDeviceInfo;
        return info is null ? LinuxError.ENODEV : info.PasidSupported ? LinuxError.Success : LinuxError.EOPNOTSUPP;
    }

    private void ReleasePasidDomain(IntelDeviceInfo info, uint pasid)
    {
        if (info.PasidDomains.Remove(pasid, out IIntelTaggedDomain? old))
        {
            old.Tags.Remove(info, pasid, _domainIds);
        }
    }

    /// <summary>
    /// Probe (Linux <c>intel_pasid_alloc_table</c> + <c>device_pasid_table_setup</c> per DMA alias): the PASID
    /// directory, then a scalable context entry per alias that is not yet present (an alias shared with another
    /// device keeps that device's directory): words 3…1 zero, word 0 = PASIDDIRPTR | PDTS | PASIDE | DTE | P. A
    /// caching-mode unit may cache the not-present entry under DID 0: context-cache device-selective (DID 0) and
    /// IOTLB domain-selective (DID 0).
    /// </summary>
    private LinuxError SetupScalableContext(IntelDeviceInfo info, uint maxPasids)
    {
        lock (_lock)
        {
            uint unitPasids = Caps.PASID ? Math.Min(2u << Caps.PSS, 1u << 20) : 0;
            IntelPasidTable? table = IntelPasidTable.Allocate(this, info.PasidSupported ? maxPasids : 0, unitPasids);
            if (table is null)
            {
                Report(IntelDriverDiagnostic.OutOfPages);
                return LinuxError.ENOMEM;
            }

            info.PasidTable = table;
            foreach (PciBdf alias in info.Aliases)
            {
                ulong entry = ContextEntryAddress(alias, allocate: true);
                if (entry == 0)
                {
                    Report(IntelDriverDiagnostic.OutOfPages);
                    return LinuxError.ENOMEM;
                }

                if (_memory.TryRead64(entry, out ulong lo) && (lo & LegacyEntries.Present) != 0)
                {
                    continue;
                }

                for (int w = 3; w >= 1; w--)
                {
                    _ = _memory.TryWrite64(entry + ((ulong)w * 8), 0);
                }

                _ = _memory.TryWrite64(entry, ScalableEntries.ContextLo(table.Directory, table.Pdts, info.PasidSupported, info.AtsSupported));
                if (Caps.CM)
                {
                    _ = Invalidator.ContextDevice(0, alias.SourceId);
                    _ = Invalidator.IotlbDomain(0);
                }
            }

            return LinuxError.Success;
        }
    }

    /// <summary>
    /// Release (Linux <c>intel_pasid_teardown_sm_context</c>): every alias context entry that points at this
    /// device's directory is cleared (word 0 first) and flushed device-selectively (DID 0); then the directory and
    /// its tables are freed.
    /// </summary>
    private void TeardownScalableContext(IntelDeviceInfo info)
    {
        lock (_lock)
        {
            if (info.PasidTable is not { } table)
            {
                return;
            }

            foreach (PciBdf alias in info.Aliases)
            {
                ulong entry = ContextEntryAddress(alias, allocate: false);
                if (entry == 0 || !_memory.TryRead64(entry, out ulong lo) || (lo & LegacyEntries.Present) == 0
                    || ScalableEntries.ContextDirectory(lo) != table.Directory)
                {
                    continue;
                }

                for (int w = 0; w < 4; w++)
                {
                    _ = _memory.TryWrite64(entry + ((ulong)w * 8), 0);
                }

                _ = Invalidator.ContextDevice(0, alias.SourceId);
            }

            table.Free();
            info.PasidTable = null;
        }
    }

    /// <summary>
    /// Writes <paramref name="entry"/> for <paramref name="pasid"/>. Not present before (Linux
    /// <c>intel_pasid_setup_*</c>): words 7…1, then word 0 with P; then <c>pasid_flush_caches</c>: CM = 1 →
    /// PASID-cache PASID-selective + PASID-based IOTLB (all addresses) for the new DID; CM = 0 → write-buffer
    /// flush. Present before (Linux <c>intel_pasid_replace_*</c>): the same word order over the live entry, then
    /// <c>intel_pasid_flush_present</c> with the OLD DID: PASID cache, PASID-based IOTLB, device-TLB.
    /// </summary>
    private LinuxError ProgramPasidEntry(IntelDeviceInfo info, uint pasid, PasidEntryWords entry)
    {
        ulong address = info.PasidTable?.EntryAddress(pasid, allocate: true) ?? 0;
        if (address == 0)
        {
            Report(IntelDriverDiagnostic.OutOfPages);
            return LinuxError.ENOMEM;
        }

        _ = _memory.TryRead64(address, out ulong oldW0);
        _ = _memory.TryRead64(address + 8, out ulong oldW1);
        bool replace = (oldW0 & PasidEntryWords.Present) != 0;
        for (int w = PasidEntryWords.WordCount - 1; w >= 3; w--)
        {
            _ = _memory.TryWrite64(address + ((ulong)w * 8), 0);
        }

        _ = _memory.TryWrite64(address + 16, entry.W2);
        _ = _memory.TryWrite64(address + 8, entry.W1);
        _ = _memory.TryWrite64(address, entry.W0);
        if (replace)
        {
            ushort oldDid = PasidEntryWords.Did(oldW1);
            _ = Invalidator.PasidCachePasid(oldDid, pasid);
            _ = Invalidator.PasidIotlbAll(oldDid, pasid);
            if (info.AtsEnabled)
            {
                _ = Invalidator.DeviceTlbPasidAll(info.Sid, pasid);
            }
        }
        else if (Caps.CM)
        {
            ushort did = PasidEntryWords.Did(entry.W1);
            _ = Invalidator.PasidCachePasid(did, pasid);
            _ = Invalidator.PasidIotlbAll(did, pasid);
        }
        else
        {
            FlushWriteBuffer();
        }

        return LinuxError.Success;
    }

    /// <summary>
    /// Linux <c>intel_pasid_tear_down_entry</c>: a present entry is cleared (word 0 with P first), then PASID-cache
    /// PASID-selective for its DID → IOTLB: PASID-based (all addresses) for pass-through and first-level entries,
    /// domain-selective for second-level and nested ones → device-TLB when ATS is enabled (PASID 0: everything;
    /// otherwise PASID-based).
    /// </summary>
    private void TearDownPasidEntry(IntelDeviceInfo info, uint pasid)
    {
        ulong address = info.PasidTable?.EntryAddress(pasid, allocate: false) ?? 0;
        if (address == 0 || !_memory.TryRead64(address, out ulong w0) || (w0 & PasidEntryWords.Present) == 0)
        {
            return;
        }

        _ = _memory.TryRead64(address + 8, out ulong w1);
        ushort did = PasidEntryWords.Did(w1);
        int pgtt = PasidEntryWords.Pgtt(w0);
        for (int w = 0; w < PasidEntryWords.WordCount; w++)
        {
            _ = _memory.TryWrite64(address + ((ulong)w * 8), 0);
        }

        _ = Invalidator.PasidCachePasid(did, pasid);
        _ = pgtt is PasidEntryWords.PassThroughOnly or PasidEntryWords.FirstLevelOnly
            ? Invalidator.PasidIotlbAll(did, pasid)
            : Invalidator.IotlbDomain(did);
        if (info.AtsEnabled)
        {
            _ = Invalidator.DeviceTlbPasidAll(info.Sid, pasid);
        }
    }
}
