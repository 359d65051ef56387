namespace VtdEmu.Iommu;

/// <summary>
/// Linux errno values (x86-64 numbering) returned by the driver-facing API instead of the kernel's negative
/// ints. Members are the errno names verbatim so traces line up with kernel logs.
/// </summary>
public enum LinuxError
{
    /// <summary>0: the call succeeded.</summary>
    Success = 0,

    /// <summary>Operation not permitted.</summary>
    EPERM = 1,

    /// <summary>No such entry.</summary>
    ENOENT = 2,

    /// <summary>I/O error.</summary>
    EIO = 5,

    /// <summary>Out of memory.</summary>
    ENOMEM = 12,

    /// <summary>Permission denied.</summary>
    EACCES = 13,

    /// <summary>Bad address.</summary>
    EFAULT = 14,

    /// <summary>Resource busy.</summary>
    EBUSY = 16,

    /// <summary>Already exists.</summary>
    EEXIST = 17,

    /// <summary>No such device.</summary>
    ENODEV = 19,

    /// <summary>Invalid argument (for attach: "this domain is incompatible with this device").</summary>
    EINVAL = 22,

    /// <summary>No space left (e.g. domain IDs exhausted).</summary>
    ENOSPC = 28,

    /// <summary>Result out of range (map beyond the domain's address width, ≥ v6.19).</summary>
    ERANGE = 34,

    /// <summary>Operation not supported.</summary>
    EOPNOTSUPP = 95,

    /// <summary>Address already in use (map over an existing mapping, ≥ v6.19).</summary>
    EADDRINUSE = 98,

    /// <summary>Timed out (a bounded wait for the hardware gave up; a real driver would hang or panic).</summary>
    ETIMEDOUT = 110,

    /// <summary>Kernel-internal: retry the probe later (group default domain not set up yet).</summary>
    EPROBE_DEFER = 517,
}
