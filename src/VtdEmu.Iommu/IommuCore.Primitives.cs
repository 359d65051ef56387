namespace VtdEmu.Iommu;

/// <summary>
/// The primitives every public call is built from (spec-notes/iommu-core.md "The domain-switch primitive"):
/// SetGroupDomain, SetCoreDomain, AttachGroup, TakeOwnership, ReleaseOwnership. All require the group's lock (suffix
/// <c>Locked</c>).
/// </summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// <c>__iommu_group_set_domain_internal</c>: moves every member to <paramref name="newDomain"/>. Without
    /// <paramref name="mustSucceed"/> a device failure rolls the earlier devices back and leaves the group unchanged;
    /// with it, failures are remembered, the group moves anyway, and the last error is returned (WARN).
    /// </summary>
    internal LinuxError SetGroupDomainLocked(IommuGroup group, IommuDomain? newDomain, bool mustSucceed)
    {
        if (newDomain == group.Domain)
        {
            return LinuxError.Success;
        }

        if (newDomain is null)
        {
            Diagnostics.Warn(IommuWarning.SetGroupDomainNull, group);
            return LinuxError.EINVAL;
        }

        newDomain.ThrowIfFreed();
        IommuDomain? old = group.Domain;
        LinuxError result = LinuxError.Success;
        List<IommuDevice> devices = group.DeviceList;
        for (int i = 0; i < devices.Count; i++)
        {
            LinuxError r = SetDeviceDomainLocked(group, devices[i], newDomain, old, mustSucceed);
            if (r == LinuxError.Success)
            {
                continue;
            }

            result = r;
            if (mustSucceed)
            {
                continue;
            }

            // Roll back the devices already moved (v7.0: the failing device itself is not re-attached).
            if (old is not null)
            {
                for (int j = 0; j < i; j++)
                {
                    _ = SetDeviceDomainLocked(group, devices[j], old, newDomain, mustSucceed: true);
                }
            }

            return result;
        }

        SwitchGroupDomainLocked(group, newDomain);
        if (result != LinuxError.Success)
        {
            Diagnostics.Warn(IommuWarning.MustSucceedAttachFailed, group);
        }

        return result;
    }

    /// <summary>
    /// <c>__iommu_device_set_domain</c>: one device. Refuses a domain of another core or unit (EINVAL) and blocking for require_direct devices; keeps a deferred
    /// default attach deferred; on a must-succeed failure parks the device on the blocking domain (best effort).
    /// </summary>
    internal static LinuxError SetDeviceDomainLocked(IommuGroup group, IommuDevice device, IommuDomain newDomain, IommuDomain? old, bool mustSucceed)
    {
        // A domain serves only the core and unit it was allocated for (spec-notes/iommu-core.md, "other instances").
        if (newDomain.Core != group.Core || newDomain.Driver != device.Driver)
        {
            return LinuxError.EINVAL;
        }

        if (device.RequireDirect && (newDomain.Type == IommuDomainType.Blocked || newDomain == group.BlockingDomain))
        {
            return LinuxError.EINVAL;
        }

        if (device.AttachDeferred)
        {
            if (newDomain == group.DefaultDomain)
            {
                return LinuxError.Success;
            }

            device.AttachDeferred = false;
        }

        LinuxError r = newDomain.Ops.AttachDevice(device, old);
        if (r != LinuxError.Success)
        {
            if (mustSucceed && group.BlockingDomain is { } blocking && blocking != newDomain)
            {
                _ = blocking.Ops.AttachDevice(device, old);
            }

            return r;
        }

        return LinuxError.Success;
    }

    /// <summary>Records the group's new domain and keeps the domains' user counts.</summary>
    internal static void SwitchGroupDomainLocked(IommuGroup group, IommuDomain? newDomain)
    {
        IommuDomain? old = group.Domain;
        if (old == newDomain)
        {
            return;
        }

        newDomain?.AddUser();
        old?.RemoveUser();
        group.Domain = newDomain;
        group.ClearAttachers();
    }

    /// <summary><c>__iommu_group_set_core_domain</c>: blocking when owned, default otherwise; must succeed.</summary>
    internal LinuxError SetCoreDomainLocked(IommuGroup group) =>
        SetGroupDomainLocked(group, group.Owner is not null ? group.BlockingDomain : group.DefaultDomain, mustSucceed: true);

    /// <summary>
    /// <c>__iommu_attach_group</c>: -EBUSY while a caller domain is attached (even the same one), -EINVAL for a
    /// domain from another driver or core, else SetGroupDomain.
    /// </summary>
    internal LinuxError AttachGroupLocked(IommuDomain domain, IommuGroup group)
    {
        domain.ThrowIfFreed();
        if (group.Domain is not null && group.Domain != group.DefaultDomain && group.Domain != group.BlockingDomain)
        {
            return LinuxError.EBUSY;
        }

        if (group.DeviceList.Count == 0 || group.DeviceList[0].Driver is not { } driver || domain.Driver != driver || domain.Core != this)
        {
            return LinuxError.EINVAL;
        }

        return SetGroupDomainLocked(group, domain, mustSucceed: false);
    }

    /// <summary><c>__iommu_take_dma_ownership</c>: move to the blocking domain, then record the owner.</summary>
    internal LinuxError TakeOwnershipLocked(IommuGroup group, object owner)
    {
        if ((group.Domain is not null && group.Domain != group.DefaultDomain) || group.PasidArray.Count != 0)
        {
            return LinuxError.EBUSY;
        }

        LinuxError r = EnsureBlockingDomainLocked(group);
        if (r != LinuxError.Success)
        {
            return r;
        }

        r = SetGroupDomainLocked(group, group.BlockingDomain, mustSucceed: false);
        if (r != LinuxError.Success)
        {
            return r;
        }

        group.Owner = owner;
        group.OwnerCnt++;
        return LinuxError.Success;
    }

    /// <summary><c>__iommu_release_dma_ownership</c>: WARN unless owned with no PASID; forces owner_cnt to 0.</summary>
    internal void ReleaseOwnershipLocked(IommuGroup group)
    {
        if (group.OwnerCnt == 0 || group.Owner is null || group.PasidArray.Count != 0)
        {
            Diagnostics.Warn(IommuWarning.ReleaseNotOwned, group);
            return;
        }

        group.OwnerCnt = 0;
        group.Owner = null;
        _ = SetGroupDomainLocked(group, group.DefaultDomain, mustSucceed: true);
    }

    /// <summary>
    /// Creates the cached blocking domain: the driver's static BLOCKED domain, else an empty paging domain.
    /// Allocation errors propagate.
    /// </summary>
    private LinuxError EnsureBlockingDomainLocked(IommuGroup group)
    {
        if (group.BlockingDomain is not null)
        {
            return LinuxError.Success;
        }

        if (group.DeviceList.Count == 0 || group.DeviceList[0].Driver is not { } driver)
        {
            return LinuxError.ENODEV;
        }

        if (GetStaticBlockedDomain(driver) is { } blocked)
        {
            group.BlockingDomain = blocked;
            return LinuxError.Success;
        }

        LinuxError r = AllocPagingLocked(group.DeviceList[0], driver, IommuAllocFlags.None, IommuDomainType.Unmanaged, coreOwned: true, out IommuDomain? domain);
        if (r == LinuxError.Success)
        {
            group.BlockingDomain = domain;
        }

        return r;
    }

    private LinuxError AllocPagingLocked(IommuDevice device, IIommuDriver driver, IommuAllocFlags flags, IommuDomainType type, bool coreOwned, out IommuDomain? domain)
    {
        domain = null;
        LinuxError r = driver.DomainAllocPaging(device, flags, out IIommuDomainOps? ops);
        if (r != LinuxError.Success)
        {
            return r;
        }

        if (ops is null)
        {
            return LinuxError.ENOMEM;
        }

        domain = new IommuDomain(this, driver, ops, type, isStatic: false, isCoreOwned: coreOwned);
        return LinuxError.Success;
    }

    /// <summary>Frees a core-owned domain (default/blocking): drains its flush queue; WARN and leak if still in use.</summary>
    private void FreeCoreDomain(IommuGroup group, IommuDomain? domain)
    {
        if (domain is null || domain.IsStatic || domain.IsFreed)
        {
            return;
        }

        domain.FlushQueue?.Drain();
        if (!domain.TryMarkFreed())
        {
            Diagnostics.Warn(IommuWarning.DomainFreeInUse, group);
            return;
        }

        domain.Ops.Free();
    }
}
