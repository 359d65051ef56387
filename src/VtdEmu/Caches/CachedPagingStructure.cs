using VtdEmu.Translation;

namespace VtdEmu.Caches;

/// <summary>
/// One paging-structure-cache entry as <see cref="PagingStructureCache.Snapshot"/> reports it: the non-leaf entry at
/// <paramref name="Level"/> covering the input region at <paramref name="RegionBase"/>, pointing at the table at
/// <paramref name="TableAddress"/>, with the rights accumulated from the root down to it. First-level entries
/// (<paramref name="Pasid"/> not null) also carry U/S (ANDed) and XD (ORed); spec-notes/first-level.md §6.
/// </summary>
public readonly record struct CachedPagingStructure(
    ushort Did, uint? Pasid, int Level, ulong RegionBase, ulong TableAddress, DmaAccess Rights, bool User, bool ExecuteDisabled);
