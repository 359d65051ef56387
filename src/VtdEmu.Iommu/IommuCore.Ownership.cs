namespace VtdEmu.Iommu;

/// <summary>The DMA-ownership API (spec-notes/iommu-core.md "Ownership").</summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// <c>iommu_device_use_default_domain</c> ("Ownership"): a DMA-API driver is about to bind. No group → 0; default
    /// domain not set up → EPROBE_DEFER; owner_cnt &gt; 0 with a non-default domain, an owner or a PASID → EBUSY;
    /// else owner_cnt + 1.
    /// </summary>
    public LinuxError DeviceUseDefaultDomain(IommuDevice device)
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
            if (group.DefaultDomain is null)
            {
                return LinuxError.EPROBE_DEFER;
            }

            if (group.OwnerCnt != 0 &&
                (group.Domain != group.DefaultDomain || group.Owner is not null || group.PasidArray.Count != 0))
            {
                return LinuxError.EBUSY;
            }

            group.OwnerCnt++;
            return LinuxError.Success;
        }
    }

    /// <summary>
    /// <c>iommu_device_unuse_default_domain</c> ("Ownership"): owner_cnt − 1; WARN and no change when it is 0 or a
    /// PASID is attached. Never changes the domain.
    /// </summary>
    public void DeviceUnuseDefaultDomain(IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Core != this)
        {
            Diagnostics.Warn(IommuWarning.ForeignObject, null);
            return;
        }

        if (device.Group is not { } group)
        {
            return;
        }

        lock (group.SyncRoot)
        {
            if (group.OwnerCnt == 0 || group.PasidArray.Count != 0)
            {
                Diagnostics.Warn(IommuWarning.UnuseWithoutUse, group);
                return;
            }

            group.OwnerCnt--;
        }
    }

    /// <summary>
    /// <c>iommu_group_claim_dma_owner</c> ("Ownership"): null token → WARN, EINVAL; owner_cnt ≠ 0 → EPERM; else
    /// TakeOwnership (EBUSY / EINVAL / allocation or driver errors).
    /// </summary>
    public LinuxError GroupClaimDmaOwner(IommuGroup group, object? owner)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (group.Core != this)
        {
            return LinuxError.EINVAL;
        }

        if (owner is null)
        {
            Diagnostics.Warn(IommuWarning.NullOwnerToken, group);
            return LinuxError.EINVAL;
        }

        lock (group.SyncRoot)
        {
            return group.OwnerCnt != 0 ? LinuxError.EPERM : TakeOwnershipLocked(group, owner);
        }
    }

    /// <summary>
    /// <c>iommu_group_release_dma_owner</c> ("Ownership"): back to the default domain, owner_cnt forced to 0; WARN and
    /// no change when not owned or a PASID is attached.
    /// </summary>
    public void GroupReleaseDmaOwner(IommuGroup group)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (group.Core != this)
        {
            Diagnostics.Warn(IommuWarning.ForeignObject, null);
            return;
        }

        lock (group.SyncRoot)
        {
            ReleaseOwnershipLocked(group);
        }
    }

    /// <summary><c>iommu_group_dma_owner_claimed</c> ("Ownership"): owner_cnt ≠ 0 (DMA-API users count too); false for
    /// a group of another core.</summary>
    public bool GroupDmaOwnerClaimed(IommuGroup group)
    {
        ThrowHelper.ThrowIfNull(group, nameof(group));
        if (group.Core != this)
        {
            return false;
        }

        lock (group.SyncRoot)
        {
            return group.OwnerCnt != 0;
        }
    }

    /// <summary>
    /// <c>iommu_device_claim_dma_owner</c> ("Ownership"): null token → WARN, EINVAL; no group → ENODEV; claimed by
    /// another token or by DMA-API users → EPERM; same token → owner_cnt + 1 without a domain change; else
    /// TakeOwnership.
    /// </summary>
    public LinuxError DeviceClaimDmaOwner(IommuDevice device, object? owner)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Core != this)
        {
            return LinuxError.ENODEV;
        }

        if (owner is null)
        {
            Diagnostics.Warn(IommuWarning.NullOwnerToken, device.Group);
            return LinuxError.EINVAL;
        }

        if (device.Group is not { } group)
        {
            return LinuxError.ENODEV;
        }

        lock (group.SyncRoot)
        {
            if (group.OwnerCnt != 0)
            {
                if (group.Owner != owner)
                {
                    return LinuxError.EPERM;
                }

                group.OwnerCnt++;
                return LinuxError.Success;
            }

            return TakeOwnershipLocked(group, owner);
        }
    }

    /// <summary>
    /// <c>iommu_device_release_dma_owner</c> ("Ownership"): owner_cnt &gt; 1 → − 1, domain unchanged; else
    /// ReleaseOwnership. A device without a group (the kernel would crash) is a WARN here.
    /// </summary>
    public void DeviceReleaseDmaOwner(IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Core != this)
        {
            Diagnostics.Warn(IommuWarning.ForeignObject, null);
            return;
        }

        if (device.Group is not { } group)
        {
            Diagnostics.Warn(IommuWarning.ReleaseNotOwned, null);
            return;
        }

        lock (group.SyncRoot)
        {
            if (group.OwnerCnt > 1)
            {
                group.OwnerCnt--;
                return;
            }

            ReleaseOwnershipLocked(group);
        }
    }

    /// <summary>
    /// Driver bind as the driver core and bus <c>dma_configure</c> do it ("Ownership"): unless the driver sets
    /// <paramref name="driverManagedDma"/>, <see cref="DeviceUseDefaultDomain"/> runs first and its error fails the
    /// bind (no cleanup). <paramref name="probeResult"/> stands for the driver's own probe; when it fails,
    /// <c>dma_cleanup</c> runs and that error is returned, with owner_cnt back where it was even when a PASID or a
    /// group handle is attached (where <c>unuse_default_domain</c> would WARN and keep the count: our choice, every
    /// error path restores what it touched). Binding an already bound device → EBUSY (our choice); a device of another
    /// core → ENODEV.
    /// </summary>
    public LinuxError BindDriver(IommuDevice device, bool driverManagedDma, LinuxError probeResult = LinuxError.Success)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Core != this)
        {
            return LinuxError.ENODEV;
        }

        lock (device.BindLock)
        {
            if (device.IsDriverBound)
            {
                return LinuxError.EBUSY;
            }

            if (!driverManagedDma)
            {
                LinuxError r = DeviceUseDefaultDomain(device);
                if (r != LinuxError.Success)
                {
                    return r;
                }
            }

            if (probeResult != LinuxError.Success)
            {
                if (!driverManagedDma)
                {
                    UndoUseDefaultDomain(device);
                }

                return probeResult;
            }

            device.SetBound(bound: true, driverManagedDma);
            return LinuxError.Success;
        }
    }

    /// <summary>
    /// Driver unbind: after the driver's remove, <c>dma_cleanup</c> (unuse_default_domain unless driver_managed_dma).
    /// No-op when unbound; a device of another core: WARN, no change.
    /// </summary>
    public void UnbindDriver(IommuDevice device)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        if (device.Core != this)
        {
            Diagnostics.Warn(IommuWarning.ForeignObject, null);
            return;
        }

        lock (device.BindLock)
        {
            if (!device.IsDriverBound)
            {
                return;
            }

            if (!device.BoundDriverManagedDma)
            {
                DeviceUnuseDefaultDomain(device);
            }

            // The driver that attached the group's domain is gone; the domain stays (spec-notes/iommu-core.md
            // "Ownership").
            if (device.Group is { } group)
            {
                lock (group.SyncRoot)
                {
                    group.RemoveAttacher(device);
                }
            }

            device.SetBound(bound: false, driverManagedDma: false);
        }
    }

    /// <summary>Takes back the owner_cnt increment of a <see cref="DeviceUseDefaultDomain"/> that just succeeded.</summary>
    private static void UndoUseDefaultDomain(IommuDevice device)
    {
        if (device.Group is not { } group)
        {
            return;
        }

        lock (group.SyncRoot)
        {
            group.OwnerCnt--;
        }
    }
}
