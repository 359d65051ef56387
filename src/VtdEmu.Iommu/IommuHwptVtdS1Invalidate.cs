namespace VtdEmu.Iommu;

/// <summary>
/// <c>struct iommu_hwpt_vtd_s1_invalidate</c> (Linux <c>include/uapi/linux/iommufd.h</c>): one user-side cache
/// invalidation of a nested VT-d domain — <see cref="Npages"/> 4 KiB pages of the guest's first-level input from
/// <see cref="Addr"/> (<see cref="AllPages"/> with address 0 = everything). spec-notes/nested-domains.md.
/// </summary>
/// <param name="Addr">addr: 4 KiB aligned.</param>
/// <param name="Npages">npages.</param>
/// <param name="Flags">IOMMU_VTD_INV_FLAGS_*.</param>
/// <param name="Reserved">__reserved: must be 0.</param>
public readonly record struct IommuHwptVtdS1Invalidate(ulong Addr, ulong Npages, IommuVtdInvalidateFlags Flags = IommuVtdInvalidateFlags.None, uint Reserved = 0)
{
    /// <summary>npages = U64_MAX: every address.</summary>
    public const ulong AllPages = ulong.MaxValue;
}
