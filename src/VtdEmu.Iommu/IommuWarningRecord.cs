namespace VtdEmu.Iommu;

/// <summary>One WARN the core hit: which one, and the group it concerned (-1 when none).</summary>
/// <param name="Warning">The WARN site.</param>
/// <param name="GroupId">The group's id, or -1.</param>
public readonly record struct IommuWarningRecord(IommuWarning Warning, int GroupId);
