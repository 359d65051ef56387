namespace VtdEmu.Iommu;

/// <summary>
/// The kernel's WARN sites that this core models (spec-notes/iommu-core.md "WARNs"; sections named per member): each is
/// counted by <see cref="IommuDiagnostics"/> and the call that hit it makes no state change (except where the kernel
/// itself carries on, noted per member).
/// </summary>
public enum IommuWarning
{
    /// <summary>SetGroupDomain with a null domain ("The domain-switch primitive"): -EINVAL.</summary>
    SetGroupDomainNull,

    /// <summary>A must-succeed domain switch failed on some device ("The domain-switch primitive"); the group still
    /// moves.</summary>
    MustSucceedAttachFailed,

    /// <summary>Claim with a null owner token ("Ownership"): -EINVAL.</summary>
    NullOwnerToken,

    /// <summary>unuse_default_domain with owner_cnt == 0 or a PASID attached ("Ownership").</summary>
    UnuseWithoutUse,

    /// <summary>Release of a group that is not owned, or has a PASID attached ("The domain-switch primitive",
    /// ReleaseOwnership).</summary>
    ReleaseNotOwned,

    /// <summary>detach_device with a domain that is not the group's domain ("Attach and detach").</summary>
    DetachDeviceNotAttached,

    /// <summary>detach_device on a group with other than one device ("Attach and detach").</summary>
    DetachDeviceMultiDeviceGroup,

    /// <summary>The last device left a group that was still owned or not on its default domain ("Hot-plug").</summary>
    GroupEmptiedInUse,

    /// <summary>Freeing a domain that is still attached ("Invariants" (5)); the domain is not freed.</summary>
    DomainFreeInUse,

    /// <summary>map/unmap on a paging domain without page sizes ("Map and unmap").</summary>
    NoPageSizes,

    /// <summary>replace_device_pasid with the handle already installed ("PASID"): -EINVAL.</summary>
    PasidReplaceSameHandle,

    /// <summary>
    /// A void call (detach, release, unuse) was handed a device, group or domain of another <see cref="IommuCore"/>:
    /// no change (the calls that return an errno say EINVAL, or ENODEV for a device, instead).
    /// </summary>
    ForeignObject,
}
