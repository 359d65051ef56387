namespace VtdEmu.Iommu;

/// <summary>
/// The posted patch ("[PATCH v1 3/8] iommu: Extend iommu_at[de]tach_device() for multi-device groups", January 2022;
/// spec-notes/ownership-policies.md). Attach: not UNMANAGED → EINVAL; no group → ENODEV; with owner_cnt ≠ 0, an owner,
/// or a multi-device group still on its default domain → EBUSY; the first attach (attach_cnt 0) is AttachGroup, later
/// ones must name the attached domain (EPERM otherwise); then owner_cnt and attach_cnt + 1. Detach: WARN unless
/// UNMANAGED, attached and both counts non-zero; both − 1; the last detach restores the core domain.
/// </summary>
internal sealed class AttachCountAttachPolicy() : IommuAttachPolicy("attach-count")
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

        lock (group.SyncRoot)
        {
            // A singleton group may skip the flag for backward compatibility (the patch's comment), so only a
            // multi-device group on its default domain counts as "in DMA-API use" here.
            if (group.OwnerCnt != 0 &&
                ((group.Domain == group.DefaultDomain && group.DeviceList.Count != 1) || group.Owner is not null))
            {
                return LinuxError.EBUSY;
            }

            if (group.AttachCnt == 0)
            {
                LinuxError r = core.AttachGroupLocked(domain, group);
                if (r != LinuxError.Success)
                {
                    return r;
                }
            }
            else if (group.Domain != domain)
            {
                return LinuxError.EPERM;
            }

            group.OwnerCnt++;
            group.AttachCnt++;
            group.AddAttacher(device);
            return LinuxError.Success;
        }
    }

    internal override void DetachDevice(IommuCore core, IommuDomain domain, IommuDevice device)
    {
        if (domain.Type != IommuDomainType.Unmanaged || device.Group is not { } group)
        {
            core.Diagnostics.Warn(IommuWarning.DetachDeviceNotAttached, device.Group);
            return;
        }

        lock (group.SyncRoot)
        {
            if (group.AttachCnt == 0 || group.OwnerCnt == 0 || group.Domain != domain)
            {
                core.Diagnostics.Warn(IommuWarning.DetachDeviceNotAttached, group);
                return;
            }

            group.AttachCnt--;
            group.OwnerCnt--;
            group.RemoveAttacher(device);
            if (group.AttachCnt == 0)
            {
                _ = core.SetCoreDomainLocked(group);
            }
        }
    }
}
