namespace VtdEmu.Iommu;

/// <summary>Attach / detach / replace and domain allocation (spec-notes/iommu-core.md "Attach and detach", "Replace and
/// group handles", "Domain allocation").</summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// <c>iommu_paging_domain_alloc_flags</c> ("Domain allocation"): an UNMANAGED paging domain for
    /// <paramref name="device"/>'s unit. No IOMMU or a device of another core → ENODEV; driver errors (EOPNOTSUPP for
    /// unsupported flags, ENOMEM) propagate.
    /// </summary>
    public LinuxError PagingDomainAlloc(IommuDevice device, IommuAllocFlags flags, out IommuDomain? domain)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        domain = null;
        if (device.Core != this || device.Driver is not { } driver)
        {
            return LinuxError.ENODEV;
        }

        return AllocPagingLocked(device, driver, flags, IommuDomainType.Unmanaged, coreOwned: false, out domain);
    }

    /// <summary>
    /// <c>iommu_domain_free</c>: refused with EBUSY (and a WARN, as VT-d does) while attached; EINVAL for domains the
    /// core owns (default, blocking, static) or another core allocated — our choice, the kernel would corrupt itself.
    /// </summary>
    public LinuxError DomainFree(IommuDomain domain)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        domain.ThrowIfFreed();
        if (domain.IsCoreOwned || domain.Core != this)
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
        domain.Parent?.RemoveUser();
        return LinuxError.Success;
    }

    /// <summary>
    /// <c>iommu_attach_device</c>: the rules of <see cref="AttachPolicy"/> (mainline, "Attach and detach": no group →
    /// ENODEV; group with ≠ 1 device → EINVAL; else AttachGroup, with no ownership check). A domain of another core →
    /// EINVAL, a device of another core → ENODEV.
    /// </summary>
    public LinuxError AttachDevice(IommuDomain domain, IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(device, nameof(device));
        domain.ThrowIfFreed();
        if (device.Core != this)
        {
            return LinuxError.ENODEV;
        }

        return domain.Core != this ? LinuxError.EINVAL : AttachPolicy.AttachDevice(this, domain, device);
    }

    /// <summary>
    /// <c>iommu_detach_device</c>: the rules of <see cref="AttachPolicy"/> (mainline, "Attach and detach": WARN and no
    /// change if <paramref name="domain"/> is not the group's domain or the group has ≠ 1 device; else back to the core
    /// domain). Objects of another core: WARN, no change.
    /// </summary>
    public void DetachDevice(IommuDomain domain, IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Core != this || domain.Core != this)
        {
            Diagnostics.Warn(IommuWarning.ForeignObject, null);
            return;
        }

        AttachPolicy.DetachDevice(this, domain, device);
    }

    /// <summary>
    /// <c>iommu_attach_group</c> ("Attach and detach"): AttachGroup under the lock; no device-count or ownership check.
    /// An empty group → ENODEV (the kernel leaves this unchecked); a group or domain of another core → EINVAL.
    /// </summary>
    public LinuxError AttachGroup(IommuDomain domain, IommuGroup group)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (group.Core != this)
        {
            return LinuxError.EINVAL;
        }

        lock (group.SyncRoot)
        {
            return group.DeviceList.Count == 0 ? LinuxError.ENODEV : AttachGroupLocked(domain, group);
        }
    }

    /// <summary>
    /// <c>iommu_detach_group</c> ("Attach and detach"): ignores <paramref name="domain"/>; back to the core domain. A
    /// group of another core: WARN, no change.
    /// </summary>
    public void DetachGroup(IommuDomain? domain, IommuGroup group)
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
        }
    }

    /// <summary>
    /// <c>iommu_group_replace_domain</c> ("Replace and group handles"): null → EINVAL; else SetGroupDomain without the
    /// EBUSY check; failure leaves the old domain. A group or domain of another core, or a domain of another unit →
    /// EINVAL (each device's attach checks the unit, spec-notes/iommu-core.md).
    /// </summary>
    public LinuxError GroupReplaceDomain(IommuGroup group, IommuDomain? newDomain)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (newDomain is null || group.Core != this || newDomain.Core != this)
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
        if (device.Core != this)
        {
            return LinuxError.ENODEV;
        }

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
