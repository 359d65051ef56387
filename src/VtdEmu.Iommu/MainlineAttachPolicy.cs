namespace VtdEmu.Iommu;

/// <summary>
/// Mainline (spec-notes/iommu-core.md "Attach and detach"): attach_device needs a singleton group (EINVAL otherwise)
/// and then is AttachGroup, with no ownership check; detach_device WARNs unless the domain is attached to a singleton
/// group, then restores the core domain.
/// </summary>
internal sealed class MainlineAttachPolicy() : IommuAttachPolicy("mainline")
{
    internal override LinuxError AttachDevice(IommuCore core, IommuDomain domain, IommuDevice device)
    {
        if (device.Group is not { } group)
        {
            return LinuxError.ENODEV;
        }

        lock (group.SyncRoot)
        {
            if (group.DeviceList.Count != 1)
            {
                return LinuxError.EINVAL;
            }

            LinuxError r = core.AttachGroupLocked(domain, group);
            if (r == LinuxError.Success)
            {
                group.AddAttacher(device);
            }

            return r;
        }
    }

    internal override void DetachDevice(IommuCore core, IommuDomain domain, IommuDevice device)
    {
        if (device.Group is not { } group)
        {
            return;
        }

        lock (group.SyncRoot)
        {
            if (domain != group.Domain)
            {
                core.Diagnostics.Warn(IommuWarning.DetachDeviceNotAttached, group);
                return;
            }

            if (group.DeviceList.Count != 1)
            {
                core.Diagnostics.Warn(IommuWarning.DetachDeviceMultiDeviceGroup, group);
                return;
            }

            _ = core.SetCoreDomainLocked(group);
        }
    }
}
