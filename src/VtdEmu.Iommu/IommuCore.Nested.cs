namespace VtdEmu.Iommu;

/// <summary>
/// Nested domains the way iommufd offers them to a VMM (spec-notes/nested-domains.md; Linux
/// <c>drivers/iommu/iommufd/hw_pagetable.c</c>): a child whose first level is user data, allocated on a parent paging
/// domain allocated with <see cref="IommuAllocFlags.NestParent"/>, attached like any domain (device or PASID), and the
/// user-side cache invalidation call.
/// </summary>
public sealed partial class IommuCore
{
    /// <summary>
    /// <c>IOMMU_HWPT_ALLOC</c> with <c>IOMMU_HWPT_DATA_VTD_S1</c> (iommufd <c>iommufd_hwpt_nested_alloc</c>): no unit →
    /// ENODEV; a parent of another core or driver, not an UNMANAGED paging domain → EINVAL; then the driver's
    /// <c>domain_alloc_nested</c> (its refusals: EOPNOTSUPP without nesting support or for flags other than PASID,
    /// EINVAL for a parent not allocated as nest parent or bad user data). The child holds its parent in use until it
    /// is freed, so the parent cannot be freed first (EBUSY).
    /// </summary>
    public LinuxError DomainAllocNested(IommuDevice device, IommuDomain parent, IommuAllocFlags flags, in IommuHwptVtdS1 data, out IommuDomain? domain)
    {
        ThrowHelper.ThrowIfNull(device, nameof(device));
        ThrowHelper.ThrowIfNull(parent, nameof(parent));
        parent.ThrowIfFreed();
        domain = null;
        if (device.Core != this || device.Driver is not { } driver)
        {
            return LinuxError.ENODEV;
        }

        if (parent.Core != this || parent.Driver != driver || parent.Type != IommuDomainType.Unmanaged)
        {
            return LinuxError.EINVAL;
        }

        LinuxError r = driver.DomainAllocNested(device, parent.Ops, flags, data, out IIommuDomainOps? ops);
        if (r != LinuxError.Success)
        {
            return r;
        }

        if (ops is null)
        {
            return LinuxError.ENOMEM;
        }

        parent.AddUser();
        domain = new IommuDomain(this, driver, ops, IommuDomainType.Nested, isStatic: false, isCoreOwned: false) { Parent = parent };
        return LinuxError.Success;
    }

    /// <summary>
    /// <c>IOMMU_HWPT_INVALIDATE</c> on a nested domain (iommufd <c>iommufd_hwpt_invalidate</c>): the driver's
    /// <c>cache_invalidate_user</c> runs the entries in order and stops at the first it refuses;
    /// <paramref name="processed"/> says how many ran (the uAPI's <c>entry_num</c> on return). Not a nested domain →
    /// EINVAL.
    /// </summary>
    public LinuxError HwptInvalidate(IommuDomain domain, ReadOnlySpan<IommuHwptVtdS1Invalidate> entries, out int processed)
    {
        ThrowHelper.ThrowIfNull(domain, nameof(domain));
        domain.ThrowIfFreed();
        processed = 0;
        if (domain.Core != this || domain.Type != IommuDomainType.Nested)
        {
            return LinuxError.EINVAL;
        }

        return entries.IsEmpty ? LinuxError.Success : domain.Ops.CacheInvalidateUser(entries, out processed);
    }
}
