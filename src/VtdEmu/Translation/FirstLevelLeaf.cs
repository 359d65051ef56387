namespace VtdEmu.Translation;

/// <summary>
/// What a successful first-level walk leaves for the IOTLB: the page, its size, whether a user-mode
/// non-execute request may be answered from the cache (U/S = 1 at every level) and whether that answer includes W
/// (R/W = 1 at every level and D already set).
/// </summary>
public readonly record struct FirstLevelLeaf(ulong Page, int PageShift, bool Cacheable, bool Write);
