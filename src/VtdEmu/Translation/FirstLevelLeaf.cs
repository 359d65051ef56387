namespace VtdEmu.Translation;

/// <summary>
/// What a successful first-level walk leaves for the IOTLB: the page, its size, whether a user-mode
/// non-execute request may be answered from the cache (U/S = 1 at every level), whether that answer includes R
/// (always for first-level only; nested: the second level's R) and W (R/W = 1 at every level and D already set;
/// nested: also the second level's W, and its D under SLADE).
/// </summary>
public readonly record struct FirstLevelLeaf(ulong Page, int PageShift, bool Cacheable, bool Read, bool Write);
