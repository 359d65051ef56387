namespace VtdEmu.Iommu;

/// <summary>Attach / detach / replace and domain allocation (reference §2.8–§2.12, §2.17).</summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// <c>iommu_paging_domain_alloc_flags</c> (§2.17): an UNMANAGED paging domain for <paramref name="device"/>'s
    /// unit. No IOMMU → ENODEV; driver errors (EOPNOTSUPP for unsupported flags, ENOMEM) propagate.
    /// </summary>
    public LinuxError PagingDomainAlloc(IommuDevice device, IommuAllocFlags flags, out IommuDomain? domain)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        domain = null;
        if (device.Driver is not { } driver)
        {
            return LinuxError.ENODEV;
        }

        return AllocPagingLocked(device, driver, flags, IommuDomainType.Unmanaged, coreOwned: false, out domain);
    }

    /// <summary>
    /// <c>iommu_domain_free</c>: refused with EBUSY (and a WARN, as VT-d does) while attached; EINVAL for domains the
    /// core owns (default, blocking, static) — our choice, the kernel would corrupt itself.
    /// </summary>
    public LinuxError DomainFree(IommuDomain domain)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        domain.ThrowIfFreed();
        if (domain.IsCoreOwned)
        {
            return LinuxError.EINVAL;
        }

        if (!domain.TryMarkFreed())
        {
            Diagnostics.Warn(IommuWarning.DomainFreeInUse, null);
            return LinuxError.EBUSY;
        }

        domain.FlushQueue?.Drain();
        domain.Ops.Free();
        return LinuxError.Success;
    }

    /// <summary>
    /// <c>iommu_attach_device</c> (§2.8): no group → ENODEV; group with ≠ 1 device → EINVAL; else AttachGroup.
    /// No ownership check: a driver bound to a singleton group may replace its default domain.
    /// </summary>
    public LinuxError AttachDevice(IommuDomain domain, IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Group is not { } group)
        {
            return LinuxError.ENODEV;
        }

        lock (group.SyncRoot)
        {
            return group.DeviceList.Count != 1 ? LinuxError.EINVAL : AttachGroupLocked(domain, group);
        }
    }

    /// <summary>
    /// <c>iommu_detach_device</c> (§2.9): WARN and no change if <paramref name="domain"/> is not the group's domain or
    /// the group has ≠ 1 device; else back to the core domain.
    /// </summary>
    public void DetachDevice(IommuDomain domain, IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Group is not { } group)
        {
            return;
        }

        lock (group.SyncRoot)
        {
            if (domain != group.Domain)
            {
                Diagnostics.Warn(IommuWarning.DetachDeviceNotAttached, group);
                return;
            }

            if (group.DeviceList.Count != 1)
            {
                Diagnostics.Warn(IommuWarning.DetachDeviceMultiDeviceGroup, group);
                return;
            }

            _ = SetCoreDomainLocked(group);
        }
    }

    /// <summary>
    /// <c>iommu_attach_group</c> (§2.10): AttachGroup under the lock; no device-count or ownership check. An empty
    /// group → ENODEV (the kernel leaves this unchecked).
    /// </summary>
    public LinuxError AttachGroup(IommuDomain domain, IommuGroup group)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(group, nameof(group));
        lock (group.SyncRoot)
        {
            return group.DeviceList.Count == 0 ? LinuxError.ENODEV : AttachGroupLocked(domain, group);
        }
    }

    /// <summary><c>iommu_detach_group</c> (§2.11): ignores <paramref name="domain"/>; back to the core domain.</summary>
    public void DetachGroup(IommuDomain? domain, IommuGroup group)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        lock (group.SyncRoot)
        {
            if (group.DeviceList.Count != 0)
            {
                _ = SetCoreDomainLocked(group);
            }
        }
    }

    /// <summary>
    /// <c>iommu_group_replace_domain</c> (§2.12): null → EINVAL; else SetGroupDomain without the EBUSY or
    /// compatibility checks (the driver's attach decides); failure leaves the old domain.
    /// </summary>
    public LinuxError GroupReplaceDomain(IommuGroup group, IommuDomain? newDomain)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (newDomain is null)
        {
            return LinuxError.EINVAL;
        }

        lock (group.SyncRoot)
        {
            return SetGroupDomainLocked(group, newDomain, mustSucceed: false);
        }
    }

    /// <summary>
    /// <c>iommu_deferred_attach</c>: the DMA API's first map on a device whose default attach was deferred (kdump)
    /// performs the real attach now.
    /// </summary>
    public LinuxError DeferredAttach(IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Group is not { } group)
        {
            return LinuxError.Success;
        }

        lock (group.SyncRoot)
        {
            if (!device.AttachDeferred || group.Domain is not { } domain)
            {
                return LinuxError.Success;
            }

            LinuxError r = domain.Ops.AttachDevice(device, null);
            if (r == LinuxError.Success)
            {
                device.AttachDeferred = false;
            }

            return r;
        }
    }
}
