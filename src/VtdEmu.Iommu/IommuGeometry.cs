namespace VtdEmu.Iommu;

/// <summary>
/// <c>iommu_domain_geometry</c>: the advisory IOVA range (inclusive) an allocator must stay in. The core does not check
/// it on map (spec-notes/iommu-core.md "Groups, devices and domains"); out-of-range maps are the driver's outcome
/// (-ERANGE ≥ v6.19).
/// </summary>
/// <param name="ApertureStart">First usable IOVA.</param>
/// <param name="ApertureEnd">Last usable IOVA (inclusive).</param>
/// <param name="ForceAperture">The driver enforces the aperture.</param>
public readonly record struct IommuGeometry(ulong ApertureStart, ulong ApertureEnd, bool ForceAperture);
