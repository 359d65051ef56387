namespace VtdEmu.Iommu;

/// <summary>
/// The reviewer's counter-proposal (spec-notes/ownership-policies.md): the calling context is the bound driver's
/// <c>driver_managed_dma</c> flag. Not UNMANAGED → EINVAL; no group → ENODEV; no driver bound → EINVAL (no calling
/// context; the kernel would dereference NULL). A DMA-API driver: owner_cnt &gt; 1 or an owner → EBUSY, else
/// AttachGroup (the automatic switch out of DMA-API mode, owner_cnt unchanged). A driver-managed driver: owner_cnt 0 →
/// AttachGroup; else an owner or another domain → EBUSY; then owner_cnt + 1. Detach (not sketched in the review, our
/// completion): a DMA-API caller restores the core domain; a driver-managed one drops owner_cnt and the last restores it.
/// </summary>
internal sealed class DriverFlagAttachPolicy() : IommuAttachPolicy("driver-flag")
{
    internal override LinuxError AttachDevice(IommuCore core, IommuDomain domain, IommuDevice device)
    {
        if (domain.Type != IommuDomainType.Unmanaged)
        {
            return LinuxError.EINVAL;
        }

        if (device.Group is not { } group)
        {
            return LinuxError.ENODEV;
        }

        lock (device.BindLock)
        {
            if (!device.IsDriverBound)
            {
                return LinuxError.EINVAL;
            }

            lock (group.SyncRoot)
            {
                LinuxError r;
                if (!device.BoundDriverManagedDma)
                {
                    if (group.OwnerCnt > 1 || group.Owner is not null)
                    {
                        return LinuxError.EBUSY;
                    }

                    r = core.AttachGroupLocked(domain, group);
                    if (r == LinuxError.Success)
                    {
                        group.AddAttacher(device);
                    }

                    return r;
                }

                if (group.OwnerCnt == 0)
                {
                    r = core.AttachGroupLocked(domain, group);
                    if (r != LinuxError.Success)
                    {
                        return r;
                    }
                }
                else if (group.Owner is not null || group.Domain != domain)
                {
                    return LinuxError.EBUSY;
                }

                group.OwnerCnt++;
                group.AddAttacher(device);
                return LinuxError.Success;
            }
        }
    }

    internal override void DetachDevice(IommuCore core, IommuDomain domain, IommuDevice device)
    {
        if (device.Group is not { } group)
        {
            return;
        }

        lock (device.BindLock)
        {
            lock (group.SyncRoot)
            {
                if (!device.IsDriverBound || domain != group.Domain)
                {
                    core.Diagnostics.Warn(IommuWarning.DetachDeviceNotAttached, group);
                    return;
                }

                if (!device.BoundDriverManagedDma)
                {
                    _ = core.SetCoreDomainLocked(group);
                    return;
                }

                if (group.OwnerCnt == 0 || group.Owner is not null)
                {
                    core.Diagnostics.Warn(IommuWarning.DetachDeviceNotAttached, group);
                    return;
                }

                group.OwnerCnt--;
                group.RemoveAttacher(device);
                if (group.OwnerCnt == 0)
                {
                    _ = core.SetCoreDomainLocked(group);
                }
            }
        }
    }
}
