namespace VtdEmu.Iommu;

/// <summary>Default-domain selection, setup and the sysfs <c>type</c> store (spec-notes/iommu-core.md "Default
/// domain").</summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// The sysfs <c>type</c> store: <paramref name="type"/> null = "auto", else IDENTITY, DMA or DMA_FQ. No default
    /// domain, another type or a group of another core → EINVAL; DMA → DMA_FQ is done live (flush queue added); anything else needs a
    /// non-empty group with owner_cnt == 0 (EPERM) and re-runs default-domain setup.
    /// </summary>
    public LinuxError GroupStoreType(IommuGroup group, IommuDomainType? type)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (group.Core != this || type is not (null or IommuDomainType.Identity or IommuDomainType.Dma or IommuDomainType.DmaFq))
        {
            return LinuxError.EINVAL;
        }

        lock (group.SyncRoot)
        {
            if (group.DefaultDomain is not { } current)
            {
                return LinuxError.EINVAL;
            }

            if (type == IommuDomainType.DmaFq && current.Type == IommuDomainType.Dma)
            {
                current.UpgradeToFlushQueue();
                return LinuxError.Success;
            }

            if (group.DeviceList.Count == 0 || group.OwnerCnt != 0)
            {
                return LinuxError.EPERM;
            }

            return SetupDefaultDomainLocked(group, type);
        }
    }

    /// <summary>
    /// <c>iommu_get_default_domain_type</c>: combines the driver's per-device preference (IDENTITY wins a conflict),
    /// forces DMA for untrusted members (EINVAL if the driver wanted something else), and checks an explicit target.
    /// Returns null for "no requirement" (use the global default).
    /// </summary>
    internal static LinuxError GetDefaultDomainTypeLocked(IommuGroup group, IommuDomainType? target, out IommuDomainType? type)
    {
        type = null;
        IommuDomainType? driverType = null;
        bool untrusted = false;
        foreach (IommuDevice device in group.DeviceList)
        {
            IommuDomainType? preference = device.Driver?.DefDomainType(device);
            if (preference is not null && preference != driverType)
            {
                driverType = driverType is null ? preference : IommuDomainType.Identity;
            }

            untrusted |= device.Untrusted;
        }

        if (untrusted)
        {
            if (driverType is not null && driverType != IommuDomainType.Dma)
            {
                return LinuxError.EINVAL;
            }

            driverType = IommuDomainType.Dma;
        }

        if (target is not null)
        {
            if (driverType is not null && driverType != target)
            {
                return LinuxError.EINVAL;
            }

            type = target;
            return LinuxError.Success;
        }

        type = driverType;
        return LinuxError.Success;
    }

    /// <summary>
    /// <c>iommu_setup_default_domain</c>: pick the type, allocate, attach (must-succeed on first setup; on a
    /// re-setup failure the old default is restored), then free the old default domain.
    /// </summary>
    internal LinuxError SetupDefaultDomainLocked(IommuGroup group, IommuDomainType? target)
    {
        if (group.DeviceList.Count == 0)
        {
            return LinuxError.ENODEV;
        }

        LinuxError r = GetDefaultDomainTypeLocked(group, target, out IommuDomainType? requested);
        if (r != LinuxError.Success)
        {
            return r;
        }

        r = AllocDefaultDomainLocked(group, requested, out IommuDomain? domain);
        if (r != LinuxError.Success)
        {
            return r;
        }

        if (domain == group.DefaultDomain)
        {
            return LinuxError.Success;
        }

        IommuDomain? old = group.DefaultDomain;
        group.DefaultDomain = domain;
        if (group.Domain is null)
        {
            // First setup: the driver may not fail; the domain stays as default so it is freed with the group.
            r = SetGroupDomainLocked(group, domain, mustSucceed: true);
        }
        else
        {
            r = SetGroupDomainLocked(group, domain, mustSucceed: false);
            if (r != LinuxError.Success)
            {
                group.DefaultDomain = old;
                FreeCoreDomain(group, domain);
                return r;
            }
        }

        FreeCoreDomain(group, old);
        return r;
    }

    /// <summary>
    /// <c>iommu_group_alloc_default_domain</c>: the requested type, or for "auto" the global default with a
    /// fallback to DMA.
    /// </summary>
    private LinuxError AllocDefaultDomainLocked(IommuGroup group, IommuDomainType? requested, out IommuDomain? domain)
    {
        if (requested is { } type)
        {
            return AllocDefaultOfTypeLocked(group, type, out domain);
        }

        LinuxError r = AllocDefaultOfTypeLocked(group, GlobalDefaultType, out domain);
        if (r == LinuxError.Success || GlobalDefaultType == IommuDomainType.Dma)
        {
            return r;
        }

        return AllocDefaultOfTypeLocked(group, IommuDomainType.Dma, out domain);
    }

    private LinuxError AllocDefaultOfTypeLocked(IommuGroup group, IommuDomainType type, out IommuDomain? domain)
    {
        domain = null;
        if (group.DefaultDomain is { } current && current.Type == type)
        {
            domain = current;
            return LinuxError.Success;
        }

        IommuDevice first = group.DeviceList[0];
        if (first.Driver is not { } driver)
        {
            return LinuxError.ENODEV;
        }

        if (type == IommuDomainType.Identity)
        {
            domain = GetStaticIdentityDomain(driver);
            return domain is null ? LinuxError.EOPNOTSUPP : LinuxError.Success;
        }

        if (!type.IsPaging())
        {
            return LinuxError.EINVAL;
        }

        // DMA domains ask for PASID support when the device has PASIDs, retrying without if unsupported.
        if (first.MaxPasids > 0)
        {
            LinuxError withPasid = AllocPagingLocked(first, driver, IommuAllocFlags.Pasid, type, coreOwned: true, out domain);
            if (withPasid != LinuxError.EOPNOTSUPP)
            {
                return withPasid;
            }
        }

        return AllocPagingLocked(first, driver, IommuAllocFlags.None, type, coreOwned: true, out domain);
    }
}
