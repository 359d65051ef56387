namespace VtdEmu.Iommu;

/// <summary>
/// The kernel's WARN sites that this core models (reference §2): each is counted by <see cref="IommuDiagnostics"/>
/// and the call that hit it makes no state change (except where the kernel itself carries on, noted per member).
/// </summary>
public enum IommuWarning
{
    /// <summary>SetGroupDomain with a null domain (§2.0 step 2): -EINVAL.</summary>
    SetGroupDomainNull,

    /// <summary>A must-succeed domain switch failed on some device (§2.0 step 5); the group still moves.</summary>
    MustSucceedAttachFailed,

    /// <summary>Claim with a null owner token (§2.3, §2.6): -EINVAL.</summary>
    NullOwnerToken,

    /// <summary>unuse_default_domain with owner_cnt == 0 or a PASID attached (§2.2).</summary>
    UnuseWithoutUse,

    /// <summary>Release of a group that is not owned, or has a PASID attached (§2.0 ReleaseOwnership).</summary>
    ReleaseNotOwned,

    /// <summary>detach_device with a domain that is not the group's domain (§2.9).</summary>
    DetachDeviceNotAttached,

    /// <summary>detach_device on a group with other than one device (§2.9).</summary>
    DetachDeviceMultiDeviceGroup,

    /// <summary>The last device left a group that was still owned or not on its default domain (§2.20).</summary>
    GroupEmptiedInUse,

    /// <summary>Freeing a domain that is still attached (§1.4 invariant 5); the domain is not freed.</summary>
    DomainFreeInUse,

    /// <summary>map/unmap on a paging domain without page sizes (§2.14 step 2, §2.15 step 1).</summary>
    NoPageSizes,

    /// <summary>replace_device_pasid with the handle already installed (§2.13): -EINVAL.</summary>
    PasidReplaceSameHandle,

    /// <summary>
    /// A void call (detach, release, unuse) was handed a device, group or domain of another <see cref="IommuCore"/>:
    /// no change (the calls that return an errno say EINVAL, or ENODEV for a device, instead).
    /// </summary>
    ForeignObject,
}
