using VtdEmu.Iommu.Topology;

namespace VtdEmu.Iommu.Intel;

/// <summary>
/// Attach paths: legacy context entries and the invalidations around them (spec-notes/intel-driver.md "Attach",
/// "Invalidation order"); in scalable mode the RID_PASID entry instead (IntelIommuDriver.Scalable.cs).
/// </summary>
public sealed partial class IntelIommuDriver
{
    /// <summary>Blocked domain: <c>device_block_translation</c> only.</summary>
    internal LinuxError AttachBlocked(IommuDevice device)
    {
        lock (_lock)
        {
            if (device.DriverData is not IntelDeviceInfo info)
            {
                return LinuxError.ENODEV;
            }

            BlockTranslation(info);
            return LinuxError.Success;
        }
    }

    /// <summary>Identity domain: block, then a pass-through entry per alias (TT = 10, DID 1, AW = max AGAW).</summary>
    internal LinuxError AttachIdentity(IommuDevice device)
    {
        lock (_lock)
        {
            if (device.DriverData is not IntelDeviceInfo info)
            {
                return LinuxError.ENODEV;
            }

            BlockTranslation(info);
            if (ScalableMode)
            {
                return ProgramPasidEntry(info, RidPasid, PassThroughEntry());
            }

            foreach (PciBdf alias in info.Aliases)
            {
                // ASR is ignored for pass-through; AW must be the largest supported AGAW (Linux <c>msagaw</c>; VT-d
                // spec §9.3).
                LinuxError r = WriteContext(alias, LegacyEntries.ContextLo(0, LegacyEntries.TranslationPassThrough), LegacyEntries.ContextHi(PassThroughDid, Caps.MaxAgaw), PassThroughDid);
                if (r != LinuxError.Success)
                {
                    return r;
                }
            }

            return LinuxError.Success;
        }
    }

    /// <summary>
    /// Paging domain (Linux <c>intel_iommu_attach_device</c>): block the current translation, take a DID for the
    /// domain on this unit, write one context entry per DMA alias, then enable ATS.
    /// </summary>
    internal LinuxError AttachPaging(IommuDevice device, IntelPagingDomain domain)
    {
        lock (_lock)
        {
            if (device.DriverData is not IntelDeviceInfo info)
            {
                return LinuxError.ENODEV;
            }

            BlockTranslation(info);
            if (ScalableMode)
            {
                return AttachRidPasid(info, domain, domain.PasidEntry);
            }

            LinuxError r = domain.Tags.Add(info, RidPasid, _domainIds, out ushort did);
            if (r != LinuxError.Success)
            {
                return r;
            }

            info.Domain = domain;
            int tt = info.AtsSupported ? LegacyEntries.TranslationDeviceTlb : LegacyEntries.TranslationMultiLevel;
            foreach (PciBdf alias in info.Aliases)
            {
                r = WriteContext(alias, LegacyEntries.ContextLo(domain.Root, tt), LegacyEntries.ContextHi(did, Agaw), did);
                if (r != LinuxError.Success)
                {
                    BlockTranslation(info);
                    return r;
                }
            }

            info.AtsEnabled = info.AtsSupported;
            return LinuxError.Success;
        }
    }

    /// <summary>
    /// Linux <c>device_block_translation</c> (legacy): for every alias with a present context entry, clear it, then
    /// context-cache device-selective (old DID) → IOTLB domain-selective (old DID) → device-TLB global when ATS is
    /// enabled (spec-notes/intel-driver.md "Invalidation order", first row). The device then leaves its domain (its DID
    /// is freed with the last device).
    /// </summary>
    private void BlockTranslation(IntelDeviceInfo info)
    {
        if (ScalableMode)
        {
            TearDownPasidEntry(info, RidPasid);
        }
        else
        {
            ClearLegacyContexts(info);
        }

        info.AtsEnabled = false;
        if (info.Domain is { } old)
        {
            old.Tags.Remove(info, RidPasid, _domainIds);
            info.Domain = null;
        }
    }

    private void ClearLegacyContexts(IntelDeviceInfo info)
    {
        foreach (PciBdf alias in info.Aliases)
        {
            ulong entry = ContextEntryAddress(alias, allocate: false);
            if (entry == 0 || !_memory.TryRead64(entry, out ulong lo) || (lo & LegacyEntries.Present) == 0)
            {
                continue;
            }

            _ = _memory.TryRead64(entry + 8, out ulong hi);
            ushort oldDid = LegacyEntries.ContextDid(hi);

            // P lives in the low word: clear it first so the hardware never sees a half-cleared present entry.
            _ = _memory.TryWrite64(entry, 0);
            _ = _memory.TryWrite64(entry + 8, 0);
            _ = Invalidator.ContextDevice(oldDid, alias.SourceId);
            _ = Invalidator.IotlbDomain(oldDid);
            if (info.AtsEnabled)
            {
                _ = Invalidator.DeviceTlbAll(info.Sid);
            }
        }
    }

    /// <summary>
    /// Writes a not-present → present context entry (high word first, P last), then the present-cache flush:
    /// CM = 1 → context-cache device-selective with DID 0 and IOTLB domain-selective for the new DID; CM = 0 →
    /// write-buffer flush (RWBF only). Linux <c>domain_context_mapping_one</c>; spec-notes/intel-driver.md "Attach".
    /// </summary>
    private LinuxError WriteContext(PciBdf alias, ulong lo, ulong hi, ushort did)
    {
        ulong entry = ContextEntryAddress(alias, allocate: true);
        if (entry == 0)
        {
            Report(IntelDriverDiagnostic.OutOfPages);
            return LinuxError.ENOMEM;
        }

        _ = _memory.TryWrite64(entry + 8, hi);
        _ = _memory.TryWrite64(entry, lo);
        if (Caps.CM)
        {
            _ = Invalidator.ContextDevice(0, alias.SourceId);
            _ = Invalidator.IotlbDomain(did);
        }
        else
        {
            FlushWriteBuffer();
        }

        return LinuxError.Success;
    }

    /// <summary>
    /// The context entry's address for <paramref name="bdf"/>; allocates the bus's context table on demand. Legacy: one
    /// table per bus (16-byte entries). Scalable: the root entry's low word covers devfn 0–127 and its high word
    /// devfn 128–255, each with its own table of 32-byte entries (spec §9.2, §9.4). 0 = none.
    /// </summary>
    private ulong ContextEntryAddress(PciBdf bdf, bool allocate)
    {
        int devfn = bdf.SourceId & 0xFF;
        bool upper = ScalableMode && devfn >= 128;
        ulong rootEntry = _rootTable + ((ulong)bdf.Bus * LegacyEntries.EntrySize) + (upper ? 8UL : 0);
        if (!_memory.TryRead64(rootEntry, out ulong root))
        {
            return 0;
        }

        if ((root & LegacyEntries.Present) == 0)
        {
            if (!allocate || !_pages.TryAllocate(out ulong table))
            {
                return 0;
            }

            root = LegacyEntries.RootLo(table);
            if (!ScalableMode)
            {
                _ = _memory.TryWrite64(rootEntry + 8, 0);
            }

            _ = _memory.TryWrite64(rootEntry, root);
        }

        ulong size = (ulong)(ScalableMode ? ScalableEntries.ContextEntrySize : LegacyEntries.EntrySize);
        ulong index = ScalableMode ? (ulong)(devfn & 0x7F) : (ulong)devfn;
        return (root & LegacyEntries.AddressMask) + (index * size);
    }
}
