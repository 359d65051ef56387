namespace VtdEmu.Iommu;

/// <summary>
/// PASID attachments and group handles, as far as they interact with ownership (spec-notes/iommu-core.md "Replace and
/// group handles", "PASID"). Any <c>pasid_array</c> entry blocks ownership changes.
/// </summary>
public sealed partial class IommuCore
{
    private const uint NoPasid = 0;

    /// <summary>
    /// <c>iommu_attach_device_pasid</c>: no group or a device of another core → ENODEV; a domain of another core →
    /// EINVAL; no set_dev_pasid on the domain or the driver's blocked
    /// domain → EOPNOTSUPP; other driver's domain or PASID 0 → EINVAL; PASID beyond a member's max → EINVAL;
    /// already attached → EBUSY; driver errors roll back. Needs no ownership.
    /// </summary>
    public LinuxError AttachDevicePasid(IommuDomain domain, IommuDevice device, uint pasid, object? handle = null)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(device, nameof(device));
        LinuxError r = CheckPasidCall(domain, device, pasid, out IommuGroup? group);
        if (r != LinuxError.Success)
        {
            return r;
        }

        lock (group!.SyncRoot)
        {
            if (!PasidInRangeLocked(group, pasid))
            {
                return LinuxError.EINVAL;
            }

            if (group.PasidArray.ContainsKey(pasid))
            {
                return LinuxError.EBUSY;
            }

            r = SetGroupPasidLocked(group, domain, pasid, old: null);
            if (r != LinuxError.Success)
            {
                return r;
            }

            domain.AddUser();
            group.PasidArray.Add(pasid, new IommuGroup.PasidEntry(domain, handle));
            return LinuxError.Success;
        }
    }

    /// <summary>
    /// <c>iommu_replace_device_pasid</c>: handle required (EINVAL); the PASID must be attached (EINVAL); the same
    /// handle → WARN, EINVAL; the same domain only swaps the handle; driver failure keeps the old domain.
    /// </summary>
    public LinuxError ReplaceDevicePasid(IommuDomain domain, IommuDevice device, uint pasid, object? handle)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (handle is null)
        {
            return LinuxError.EINVAL;
        }

        LinuxError r = CheckPasidCall(domain, device, pasid, out IommuGroup? group);
        if (r != LinuxError.Success)
        {
            return r;
        }

        lock (group!.SyncRoot)
        {
            if (!PasidInRangeLocked(group, pasid) ||
                !group.PasidArray.TryGetValue(pasid, out IommuGroup.PasidEntry entry) || entry.Domain is not { } old)
            {
                return LinuxError.EINVAL;
            }

            if (entry.Handle == handle)
            {
                Diagnostics.Warn(IommuWarning.PasidReplaceSameHandle, group);
                return LinuxError.EINVAL;
            }

            if (old != domain)
            {
                r = SetGroupPasidLocked(group, domain, pasid, old);
                if (r != LinuxError.Success)
                {
                    return r;
                }

                domain.AddUser();
                old.RemoveUser();
            }

            group.PasidArray[pasid] = new IommuGroup.PasidEntry(domain, handle);
            return LinuxError.Success;
        }
    }

    /// <summary><c>iommu_detach_device_pasid</c>: every PASID-capable member goes to the blocked domain; the entry is erased.</summary>
    public void DetachDevicePasid(IommuDomain domain, IommuDevice device, uint pasid)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Core != this || domain.Core != this)
        {
            Diagnostics.Warn(IommuWarning.ForeignObject, null);
            return;
        }

        if (device.Group is not { } group || device.Driver is not { } driver || pasid == NoPasid)
        {
            return;
        }

        lock (group.SyncRoot)
        {
            IommuDomain? blocked = GetStaticBlockedDomain(driver);
            foreach (IommuDevice member in group.DeviceList)
            {
                if (member.MaxPasids > 0 && blocked is not null)
                {
                    _ = blocked.Ops.SetDevPasid(member, pasid, domain);
                }
            }

            if (group.PasidArray.Remove(pasid, out IommuGroup.PasidEntry entry))
            {
                entry.Domain?.RemoveUser();
            }
        }
    }

    /// <summary>
    /// <c>iommu_attach_group_handle</c>: handle null → EINVAL; PASID 0 slot in use → EBUSY; AttachGroup; on failure
    /// the slot is released. While the slot is held, ownership cannot be released.
    /// </summary>
    public LinuxError AttachGroupHandle(IommuDomain domain, IommuGroup group, object? handle)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (handle is null || group.Core != this || domain.Core != this)
        {
            return LinuxError.EINVAL;
        }

        lock (group.SyncRoot)
        {
            if (group.PasidArray.ContainsKey(NoPasid))
            {
                return LinuxError.EBUSY;
            }

            group.PasidArray.Add(NoPasid, new IommuGroup.PasidEntry(null, handle));
            LinuxError r = group.DeviceList.Count == 0 ? LinuxError.ENODEV : AttachGroupLocked(domain, group);
            if (r != LinuxError.Success)
            {
                group.PasidArray.Remove(NoPasid);
                return r;
            }

            group.PasidArray[NoPasid] = new IommuGroup.PasidEntry(domain, handle);
            return LinuxError.Success;
        }
    }

    /// <summary><c>iommu_detach_group_handle</c>: back to the core domain, then the PASID 0 slot is erased.</summary>
    public void DetachGroupHandle(IommuDomain? domain, IommuGroup group)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (group.Core != this)
        {
            Diagnostics.Warn(IommuWarning.ForeignObject, null);
            return;
        }

        lock (group.SyncRoot)
        {
            if (group.DeviceList.Count != 0)
            {
                _ = SetCoreDomainLocked(group);
            }

            group.PasidArray.Remove(NoPasid);
        }
    }

    private LinuxError CheckPasidCall(IommuDomain domain, IommuDevice device, uint pasid, out IommuGroup? group)
    {
        domain.ThrowIfFreed();
        group = device.Group;
        if (device.Core != this || group is null || device.Driver is not { } driver)
        {
            group = null;
            return LinuxError.ENODEV;
        }

        if (domain.Core != this)
        {
            return LinuxError.EINVAL;
        }

        if (!domain.Ops.SupportsSetDevPasid || driver.BlockedDomain is not { SupportsSetDevPasid: true })
        {
            return LinuxError.EOPNOTSUPP;
        }

        return domain.Driver != driver || pasid == NoPasid ? LinuxError.EINVAL : LinuxError.Success;
    }

    private static bool PasidInRangeLocked(IommuGroup group, uint pasid)
    {
        foreach (IommuDevice member in group.DeviceList)
        {
            if (member.MaxPasids > 0 && pasid >= member.MaxPasids)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>__iommu_set_group_pasid</c>: program each PASID-capable member; on failure undo the earlier ones.</summary>
    private LinuxError SetGroupPasidLocked(IommuGroup group, IommuDomain domain, uint pasid, IommuDomain? old)
    {
        List<IommuDevice> devices = group.DeviceList;
        for (int i = 0; i < devices.Count; i++)
        {
            if (devices[i].MaxPasids == 0)
            {
                continue;
            }

            LinuxError r = domain.Ops.SetDevPasid(devices[i], pasid, old);
            if (r == LinuxError.Success)
            {
                continue;
            }

            for (int j = 0; j < i; j++)
            {
                if (devices[j].MaxPasids == 0)
                {
                    continue;
                }

                IommuDomain? back = old ?? GetStaticBlockedDomain(domain.Driver);
                _ = back?.Ops.SetDevPasid(devices[j], pasid, domain);
            }

            return r;
        }

        return LinuxError.Success;
    }
}
